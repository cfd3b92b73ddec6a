// Public API of explain (re-exported from @convlab/core): Grad-CAM and the pictures made of it.
export * from './grad-cam.ts';
export * from './heatmap-overlay.ts';
export * from './heatmap-stats.ts';
export * from './explain-images.ts';
