/**
 * `fetchIdxDataset`: downloads MNIST or Fashion-MNIST (the four official .gz files) into
 * `<dataDir>/<name>/`, trying each mirror in turn and refusing any file whose md5 is not the official one.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { downloadFile, withHeadroom } from './download.ts';
import { md5OfFile } from './file-checksums.ts';
import { IDX_FILE_BYTES, idxSources, type IdxDatasetName } from './dataset-sources.ts';
import { IDX_FILES } from './idx.ts';
import { verifyIdxFolder } from './idx-verify.ts';

export { IDX_SOURCES, type IdxDatasetName } from './dataset-sources.ts';

export interface FetchIdxOptions {
  name: IdxDatasetName;
  /** Datasets folder; the files land in `<dataDir>/<name>/`. */
  dataDir: string;
  onProgress?: (message: string) => void;
  connectTimeoutMs?: number;
  /** A JSON file of mirrors and md5s replacing the official ones (default CONVLAB_DATASET_SOURCES). */
  sourcesFile?: string;
}

export async function fetchIdxDataset(
  options: FetchIdxOptions,
): Promise<{ dir: string; downloaded: string[] }> {
  const { name, onProgress, connectTimeoutMs } = options;
  const source = idxSources(options.sourcesFile)[name];
  const dir = path.join(path.resolve(options.dataDir), name);
  await mkdir(dir, { recursive: true });
  // Already here and verified by contents (a re-compressed or gunzipped copy counts): nothing to do.
  if (
    await verifyIdxFolder(name, dir, source).then(
      () => true,
      () => false,
    )
  )
    return { dir, downloaded: [] };
  const downloaded: string[] = [];
  for (const base of Object.values(IDX_FILES)) {
    const file = `${base}.gz`;
    const target = path.join(dir, file);
    const expectedMd5 = source.md5[file] ?? '';
    if (existsSync(target) && (await md5OfFile(target)) === expectedMd5) {
      // The loader reads a plain file before its .gz: one left from before must not shadow this.
      await rm(path.join(dir, base), { force: true });
      continue;
    }
    const failures: string[] = [];
    for (const mirror of source.mirrors) {
      try {
        await downloadFile(mirror + file, target, {
          expectedMd5,
          // A .gz is never much larger than what it holds (stored blocks add a few bytes per 64 KiB).
          maxBytes: withHeadroom(IDX_FILE_BYTES[base] ?? 0),
          onProgress,
          connectTimeoutMs,
          label: `${name} ${file}`,
        });
        // The loader reads a plain file before its .gz: one left from before must not shadow this.
        await rm(path.join(dir, base), { force: true });
        downloaded.push(file);
        break;
      } catch (error) {
        failures.push(`${mirror}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failures.length === source.mirrors.length) {
      throw new Error(
        `cannot download ${name} ${file} (${failures.join('; ')}); without the network, import a copy you have: convlab data import ${name} <folder or files>`,
      );
    }
  }
  // What the loader will read, checked as it will check it.
  await verifyIdxFolder(name, dir, source);
  return { dir, downloaded };
}
