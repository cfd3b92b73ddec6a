/**
 * Where MNIST and Fashion-MNIST are downloaded from, and the md5 each file must have. The official
 * mirrors and md5s are built in; CONVLAB_DATASET_SOURCES may name a JSON file that replaces them per
 * dataset — an internal mirror for hosts without internet, or a local copy for tests:
 *
 *   { "mnist": { "mirrors": ["http://mirror.lan/mnist/"], "md5": { "train-images-idx3-ubyte.gz": "…", … } } }
 *
 * Whoever writes that file vouches for its checksums: a file is still refused unless it has them.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { coreEnv } from '../env.ts';
import { IDX_FILES } from './idx.ts';

export type IdxDatasetName = 'mnist' | 'fashion-mnist';

export interface IdxSource {
  mirrors: string[];
  /** By file name (`<official name>.gz`). */
  md5: Record<string, string>;
}

/** Official md5s of the gzipped files, and the hosts that serve them. */
export const IDX_SOURCES: Record<IdxDatasetName, IdxSource> = {
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

const md5Schema = z.string().regex(/^[0-9a-f]{32}$/, 'must be an md5 (32 hex digits)');
const gzNames = Object.values(IDX_FILES).map((name) => `${name}.gz`) as [string, ...string[]];
const sourceSchema = z.object({
  mirrors: z
    .array(z.url({ protocol: /^https?$/ }).refine((url) => url.endsWith('/'), 'must end with /'))
    .min(1),
  md5: z
    .record(z.enum(gzNames), md5Schema)
    .refine(
      (md5) => gzNames.every((name) => name in md5),
      `needs the md5 of each of ${gzNames.join(', ')}`,
    ),
});
const sourcesFileSchema = z
  .object({ mnist: sourceSchema.optional(), 'fashion-mnist': sourceSchema.optional() })
  .strict();

/** The sources in effect: the built-in ones, each replaced by the file's entry for it if any. */
export function idxSources(
  file: string | undefined = coreEnv().CONVLAB_DATASET_SOURCES,
): Record<IdxDatasetName, IdxSource> {
  if (!file) return IDX_SOURCES;
  let parsed;
  try {
    parsed = sourcesFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    throw new Error(
      `CONVLAB_DATASET_SOURCES: cannot read ${file} as JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `CONVLAB_DATASET_SOURCES: ${issue?.path.join('.') || 'the file'} ${issue?.message ?? 'is invalid'}`,
    );
  }
  return { ...IDX_SOURCES, ...parsed.data };
}
