// `@convlab/core/testing`: what other packages' tests and the bench use of core beyond its public API
// (fixtures, and the wasm kernels' internals the bench times), so none imports core's files by path.
export { idxContents, idxImages, idxLabels, writeGzippedIdx, writeSources } from './idx-fixture.ts';
export { progressiveJpeg } from './jpeg-bomb.ts';
export { fastKernelsSimdVariant, registerFastWasmKernels } from '../backend/wasm-kernels/index.ts';
export { makeConv2DBackpropFilter } from '../backend/wasm-kernels/conv2d-backprop.ts';
