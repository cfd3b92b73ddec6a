/**
 * `fetchIdxDataset`: downloads MNIST or Fashion-MNIST (the four official .gz files) into
 * `<dataDir>/<name>/`, trying each mirror in turn and refusing any file whose md5 is not the official one.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { downloadFile } from './download.ts';
import { md5OfFile } from './file-checksums.ts';
import { IDX_FILES } from './idx.ts';

export type IdxDatasetName = 'mnist' | 'fashion-mnist';

/** Official md5s of the gzipped files, and the hosts that serve them. */
export const IDX_SOURCES: Record<
  IdxDatasetName,
  { mirrors: string[]; md5: Record<string, string> }
> = {
  mnist: {
    mirrors: [
      'https://ossci-datasets.s3.amazonaws.com/mnist/',
      'https://storage.googleapis.com/cvdf-datasets/mnist/',
    ],
    md5: {
      'train-images-idx3-ubyte.gz': 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
      'train-labels-idx1-ubyte.gz': 'd53e105ee54ea40749a09fcbcd1e9432',
      't10k-images-idx3-ubyte.gz': '9fb629c4189551a2d022fa330f9573f3',
      't10k-labels-idx1-ubyte.gz': 'ec29112dd5afa0611ce80d1b7f02629c',
    },
  },
  'fashion-mnist': {
    mirrors: [
      'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
      'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
    ],
    md5: {
      'train-images-idx3-ubyte.gz': '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
      'train-labels-idx1-ubyte.gz': '25c81989df183df01b3e8a0aad5dffbe',
      't10k-images-idx3-ubyte.gz': 'bef4ecab320f06d8554ea6380940ec79',
      't10k-labels-idx1-ubyte.gz': 'bb300cfdad3c16e7a12a480ee83cd310',
    },
  },
};

export interface FetchIdxOptions {
  name: IdxDatasetName;
  /** Datasets folder; the files land in `<dataDir>/<name>/`. */
  dataDir: string;
  onProgress?: (message: string) => void;
  connectTimeoutMs?: number;
}

export async function fetchIdxDataset(
  options: FetchIdxOptions,
): Promise<{ dir: string; downloaded: string[] }> {
  const { name, onProgress, connectTimeoutMs } = options;
  const source = IDX_SOURCES[name];
  const dir = path.join(path.resolve(options.dataDir), name);
  await mkdir(dir, { recursive: true });
  const downloaded: string[] = [];
  for (const base of Object.values(IDX_FILES)) {
    const file = `${base}.gz`;
    const target = path.join(dir, file);
    const expectedMd5 = source.md5[file] ?? '';
    if (existsSync(target) && (await md5OfFile(target)) === expectedMd5) continue;
    const failures: string[] = [];
    for (const mirror of source.mirrors) {
      try {
        await downloadFile(mirror + file, target, {
          expectedMd5,
          onProgress,
          connectTimeoutMs,
          label: `${name} ${file}`,
        });
        downloaded.push(file);
        break;
      } catch (error) {
        failures.push(`${mirror}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failures.length === source.mirrors.length) {
      throw new Error(
        `cannot download ${name} ${file} (${failures.join('; ')}); put the official files in ${dir}`,
      );
    }
  }
  return { dir, downloaded };
}
