// Public API of explain (re-exported from @convlab/core): Grad-CAM and the pictures made of it.
export {
  gradCam,
  gradCamLayerIndex,
  gradCamModel,
  type GradCamModel,
  type GradCamResult,
  heatmapPeak,
} from './grad-cam.ts';
export {
  decodePngRgb,
  encodePng,
  heatColour,
  heatmapFromBytes,
  heatmapToBytes,
  overlayHeatmap,
  overlayPng,
  type StoredImage,
} from './heatmap-overlay.ts';
export { boxAreaShare, heatmapMassInBox, spearmanCorrelation } from './heatmap-stats.ts';
export {
  type ClassHeatmap,
  explainSetImages,
  explainStoredImages,
  type Explanations,
  galleryGradCam,
  GRAD_CAM_GALLERY_SIZE,
  predictedClass,
} from './explain-images.ts';
