/**
 * A Grad-CAM example as pictures for the report: the stored test image, and the image with its heatmap
 * over it (explain/'s overlay, the same the dashboard and `predict --explain` draw), both enlarged.
 */
import type { GradCamFile, GradCamMap } from '../contracts/grad-cam-file.ts';
import {
  decodePngRgb,
  encodePng,
  heatmapFromBytes,
  overlayHeatmap,
} from '../explain/heatmap-overlay.ts';

/** Picture files are made at least this big, so a 32-pixel image is not a speck (HTML scales in CSS). */
const MIN_SIDE = 128;

/** RGBA pixels enlarged by a whole factor to at least `minSide` (nearest neighbour: pixels stay pixels). */
function enlargedPng(rgba: Uint8Array, width: number, height: number, minSide: number): Buffer {
  const factor = Math.max(1, Math.ceil(minSide / Math.max(width, height)));
  const out = new Uint8Array(width * factor * height * factor * 4);
  for (let y = 0; y < height * factor; y += 1)
    for (let x = 0; x < width * factor; x += 1) {
      const from = (Math.floor(y / factor) * width + Math.floor(x / factor)) * 4;
      out.set(rgba.subarray(from, from + 4), (y * width * factor + x) * 4);
    }
  return encodePng(out, width * factor, height * factor, 4);
}

/** The stored image enlarged. */
export function enlargedImagePng(imagePng: Uint8Array, minSide = MIN_SIDE): Buffer {
  const image = decodePngRgb(imagePng);
  const rgba = new Uint8Array(image.width * image.height * 4);
  for (let p = 0; p < image.width * image.height; p += 1) {
    rgba.set(image.pixels.subarray(p * 3, p * 3 + 3), p * 4);
    rgba[p * 4 + 3] = 255;
  }
  return enlargedPng(rgba, image.width, image.height, minSide);
}

/**
 * The image with the map on top, at the map's resolution (the model's input size, which may differ from
 * the stored image's: transfer-plus at 96 px on 32-px images), enlarged.
 */
export function gradCamOverlayPng(
  imagePng: Uint8Array,
  map: GradCamMap,
  file: Pick<GradCamFile, 'width' | 'height'>,
  minSide = MIN_SIDE,
): Buffer {
  const heat = heatmapFromBytes(Buffer.from(map.heatmap, 'base64'));
  if (heat.length !== file.width * file.height)
    throw new Error(
      `Grad-CAM heatmap has ${heat.length} values for a ${file.width}×${file.height} map`,
    );
  const rgba = overlayHeatmap(decodePngRgb(imagePng), heat, file.width, file.height);
  return enlargedPng(rgba, file.width, file.height, minSide);
}
