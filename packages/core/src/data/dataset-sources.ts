/**
 * Where MNIST and Fashion-MNIST are downloaded from, and what each file must hold. Two checksums per
 * file: the md5 of the gzipped file as the mirrors serve it, and the sha256 of its decompressed
 * contents (the IDX bytes). The contents are what count: a copy that another gzip (or Debian's
 * packaging) re-compressed has other .gz bytes but the same images and labels, and is accepted.
 *
 * The official mirrors and checksums are built in; CONVLAB_DATASET_SOURCES may name a JSON file that
 * replaces them per dataset — an internal mirror for hosts without internet, or a local copy for tests:
 *
 *   { "mnist": { "mirrors": ["https://mirror.lan/mnist/"], "md5": { "train-images-idx3-ubyte.gz": "…", … },
 *                "sha256": { "train-images-idx3-ubyte": "…", … } } }
 *
 * Whoever writes that file vouches for its checksums: a file is still refused unless it has them. Only
 * https mirrors are built in; a sources file may name http ones explicitly (a LAN mirror).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { coreEnv } from '../env.ts';
import { IDX_FILES } from './idx.ts';

export type IdxDatasetName = 'mnist' | 'fashion-mnist';

export interface IdxSource {
  mirrors: string[];
  /** md5 of each gzipped file as served, by file name (`<official name>.gz`). */
  md5: Record<string, string>;
  /**
   * sha256 of each file's decompressed contents, by official name (no .gz). Without it only the
   * served .gz bytes can be checked (a sources file that gives md5s alone).
   */
  sha256?: Record<string, string>;
}

/** Bytes of each official file once decompressed (the same for MNIST and Fashion-MNIST). */
export const IDX_FILE_BYTES: Record<string, number> = {
  'train-images-idx3-ubyte': 47_040_016,
  'train-labels-idx1-ubyte': 60_008,
  't10k-images-idx3-ubyte': 7_840_016,
  't10k-labels-idx1-ubyte': 10_008,
};

/**
 * Official md5s of the gzipped files, the sha256 of their contents, and the hosts that serve them.
 * Fashion-MNIST's content sha256s equal those of Debian's re-compressed `dataset-fashion-mnist`.
 */
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
    sha256: {
      'train-images-idx3-ubyte': 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
      'train-labels-idx1-ubyte': '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
      't10k-images-idx3-ubyte': '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
      't10k-labels-idx1-ubyte': 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
    },
  },
  'fashion-mnist': {
    // Its S3 website mirror serves plain http only, so it is not built in (a sources file may name it).
    mirrors: [
      'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
    ],
    md5: {
      'train-images-idx3-ubyte.gz': '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
      'train-labels-idx1-ubyte.gz': '25c81989df183df01b3e8a0aad5dffbe',
      't10k-images-idx3-ubyte.gz': 'bef4ecab320f06d8554ea6380940ec79',
      't10k-labels-idx1-ubyte.gz': 'bb300cfdad3c16e7a12a480ee83cd310',
    },
    sha256: {
      'train-images-idx3-ubyte': 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
      'train-labels-idx1-ubyte': 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
      't10k-images-idx3-ubyte': '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
      't10k-labels-idx1-ubyte': '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
    },
  },
};

const md5Schema = z.string().regex(/^[0-9a-f]{32}$/, 'must be an md5 (32 hex digits)');
const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 (64 hex digits)');
const rawNames = Object.values(IDX_FILES) as [string, ...string[]];
const gzNames = rawNames.map((name) => `${name}.gz`) as [string, ...string[]];
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
  sha256: z
    .record(z.enum(rawNames), sha256Schema)
    .refine(
      (sha256) => rawNames.every((name) => name in sha256),
      `needs the sha256 of the contents of each of ${rawNames.join(', ')}`,
    )
    .optional(),
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
