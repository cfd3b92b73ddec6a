// Public API of the model zoo (re-exported from @convlab/core).
export * from './build.ts';
export * from './cnn.ts';
export * from './mobilenet.ts';
export * from './file-io.ts';
export * from './patch-whitening.ts';
export * from './fast-layers.ts';
export * from './split-model.ts';
export * from './weights-location.ts';
export * from './summarize-model.ts';
