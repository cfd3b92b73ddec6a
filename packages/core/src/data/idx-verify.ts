/**
 * Checking a folder of MNIST-like IDX files against its dataset's checksums. Where the sha256 of each
 * file's decompressed contents is known (always, for the official datasets) the contents are checked,
 * whatever compressor wrote the file, or none; otherwise only the md5 of a .gz as served. Decompression
 * is bounded: a gzip bomb stops at the size the file may have, not at the end of memory.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import type { IdxDatasetName, IdxSource } from './dataset-sources.ts';
import { IDX_FILE_BYTES, IDX_SOURCES } from './dataset-sources.ts';
import { replaceDatasetHint } from './dataset-hints.ts';
import { md5OfFile, verifyChecksums } from './file-checksums.ts';
import { findIdxFile, hasGzipMagic, IDX_FILES, IDX_MAX_BYTES } from './idx.ts';

export async function isGzipFile(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && hasGzipMagic(buffer);
  } finally {
    await handle.close();
  }
}

export interface IdxContentDigest {
  sha256: string;
  /** Decompressed bytes. */
  bytes: number;
  /** The first 16 decompressed bytes (the IDX header). */
  head: Buffer;
}

/** sha256 of a file's contents, gunzipped on the fly when it is gzipped; refused past `maxBytes`. */
export async function idxContentDigest(
  file: string,
  maxBytes = IDX_MAX_BYTES,
  /** How errors name the file. */
  label = file,
): Promise<IdxContentDigest> {
  const gzipped = await isGzipFile(file);
  const source = createReadStream(file);
  const gunzip = gzipped ? createGunzip() : null;
  if (gunzip) {
    source.on('error', (error) => gunzip.destroy(error));
    source.pipe(gunzip);
  }
  const stream = gunzip ?? source;
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (bytes < 16) head.push(chunk.subarray(0, 16 - bytes));
      bytes += chunk.length;
      if (bytes > maxBytes)
        throw new Error(`${label} decompresses to more than ${maxBytes} bytes; refusing it`);
      hash.update(chunk);
    }
  } catch (error) {
    if (error instanceof Error && /decompresses to more/.test(error.message)) throw error;
    throw new Error(
      `${label} cannot be read${gzipped ? ' as gzip' : ''}: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    source.destroy();
    stream.destroy();
  }
  return { sha256: hash.digest('hex'), bytes, head: Buffer.concat(head) };
}

/** "60000 images of 28×28" / "60000 labels" from an IDX header, or what is wrong with it. */
function describeIdxHead(head: Buffer): string {
  if (head.length < 8) return 'no IDX header';
  const magic = head.readUInt32BE(0);
  const count = head.readUInt32BE(4);
  if (magic === 2049) return `a header of ${count} labels`;
  if (magic === 2051 && head.length >= 16)
    return `a header of ${count} images of ${head.readUInt32BE(8)}×${head.readUInt32BE(12)}`;
  return `magic number ${magic}, not an IDX images or labels file`;
}

/**
 * Throws, naming the file and what differs, unless each of the four files in `dir` (plain or .gz,
 * the one the loader reads) matches `source`. Verified files are remembered by size and mtime.
 */
export async function verifyIdxFolder(
  name: IdxDatasetName,
  dir: string,
  source: IdxSource,
  report: {
    /** The path to name for a file of `dir` (an import names the file it copied from). */
    origin?: (file: string) => string;
    /** What to advise after a mismatch (default: how to replace the copy). */
    hint?: string;
  } = {},
): Promise<void> {
  const hint = report.hint ?? replaceDatasetHint(name);
  const shown = report.origin ?? ((file: string) => file);
  // Built-in checksums: the official files, whose decompressed sizes are known too.
  const official = source === IDX_SOURCES[name];
  const expected: Record<string, string> = {};
  const officialName = new Map<string, string>();
  for (const raw of Object.values(IDX_FILES)) {
    const file = findIdxFile(dir, raw);
    if (!file) throw new Error(`${name} is missing ${raw} (or ${raw}.gz) in ${dir}. ${hint}`);
    const base = path.basename(file);
    officialName.set(base, raw);
    const sha256 = source.sha256?.[raw];
    const md5 = source.md5[base];
    if (sha256) expected[base] = `sha256:${sha256}`;
    else if (md5) expected[base] = `md5:${md5}`;
    else
      throw new Error(
        `${file} cannot be verified: CONVLAB_DATASET_SOURCES gives ${name} no sha256 of its contents ` +
          `(only md5s of the .gz files as served); add "sha256" to it, or gzip the file as served`,
      );
  }
  const digests = new Map<string, IdxContentDigest>();
  await verifyChecksums(
    dir,
    expected,
    async (file) => {
      const want = expected[path.basename(file)] ?? '';
      if (want.startsWith('md5:')) return `md5:${await md5OfFile(file)}`;
      const raw = officialName.get(path.basename(file)) ?? '';
      const digest = await idxContentDigest(
        file,
        (official ? IDX_FILE_BYTES[raw] : undefined) ?? IDX_MAX_BYTES,
        shown(file),
      ).catch((error: unknown) => {
        throw new Error(`${error instanceof Error ? error.message : String(error)}. ${hint}`);
      });
      digests.set(file, digest);
      return `sha256:${digest.sha256}`;
    },
    (file, actual, want) => {
      const raw = officialName.get(path.basename(file)) ?? path.basename(file);
      const digest = digests.get(file);
      if (!digest)
        return new Error(
          `${shown(file)} is not the ${name} ${raw} as served: ${actual}, expected ${want}. ${hint}`,
        );
      const size = official ? IDX_FILE_BYTES[raw] : undefined;
      const what =
        size !== undefined && digest.bytes !== size
          ? `its contents are ${digest.bytes} bytes (${describeIdxHead(digest.head)}), the official file has ${size}`
          : `its contents (${digest.bytes} bytes, ${describeIdxHead(digest.head)}) differ: sha256 ${digest.sha256.slice(0, 12)}…, expected ${want.slice('sha256:'.length, 'sha256:'.length + 12)}…`;
      return new Error(
        `${shown(file)} is not the ${official ? 'official ' : ''}${name} ${raw}: ${what}. ${hint}`,
      );
    },
  );
}
