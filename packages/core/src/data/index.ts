// Public API of the data layer (re-exported from @convlab/core).
export * from './types.ts';
export * from './random.ts';
export * from './split.ts';
export * from './synthetic.ts';
export * from './image-ops.ts';
export * from './augment.ts';
export * from './batch.ts';
export * from './cifar10.ts';
export * from './idx.ts';
export * from './image-folder.ts';
export * from './load-dataset.ts';
export { md5OfFile, VERIFIED_MARKER } from './file-checksums.ts';
export * from './image-decode.ts';
export {
  DecodePoolBusy,
  ImageDecodePool,
  type ImageDecodePoolOptions,
} from './image-decode-pool.ts';
export * from './dataset-location.ts';
export * from './image-encode.ts';
export * from './dataset-status.ts';
export * from './folder-scan.ts';
export { idxSources, type IdxSource } from './dataset-sources.ts';
export * from './import-dataset.ts';
