// Entry point of the SIMD kernel module: every export is a kernel the loader binds by name.
export { conv2dFilterGrad, padNhwc } from './conv2d';
export {
  channelMoments,
  channelSums,
  channelAffine,
  batchNormGradSums,
  batchNormGradInput,
  biasActivation,
} from './channels';
export { clipGrad, maxPool2x2Grad, reluGrad } from './pooling';
export { depthwiseFilterGrad, depthwiseInputGrad } from './depthwise';
export { gemm, transpose } from './gemm';
export { adamUpdate } from './optimizers';
