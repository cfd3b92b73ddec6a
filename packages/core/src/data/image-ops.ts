/**
 * Geometric operations on one HWC uint8 image, in plain JS: bilinear resize and an inverse-mapped affine
 * warp with bilinear sampling and 'nearest' fill (coordinates outside the image clamp to the edge).
 */

export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

/**
 * Bilinear sample of channel `c` at input coordinates (x, y), clamping outside coordinates to the edge
 * (Keras fill_mode='nearest').
 */
function sampleBilinear(
  src: Uint8Array,
  srcOffset: number,
  shape: ImageShape,
  x: number,
  y: number,
  c: number,
): number {
  const { height, width, channels } = shape;
  const xc = x < 0 ? 0 : x > width - 1 ? width - 1 : x;
  const yc = y < 0 ? 0 : y > height - 1 ? height - 1 : y;
  const x0 = Math.floor(xc);
  const y0 = Math.floor(yc);
  const x1 = x0 + 1 < width ? x0 + 1 : x0;
  const y1 = y0 + 1 < height ? y0 + 1 : y0;
  const fx = xc - x0;
  const fy = yc - y0;
  const row0 = srcOffset + y0 * width * channels;
  const row1 = srcOffset + y1 * width * channels;
  const top =
    (src[row0 + x0 * channels + c] ?? 0) * (1 - fx) + (src[row0 + x1 * channels + c] ?? 0) * fx;
  const bottom =
    (src[row1 + x0 * channels + c] ?? 0) * (1 - fx) + (src[row1 + x1 * channels + c] ?? 0) * fx;
  return top * (1 - fy) + bottom * fy;
}

/** Resize with bilinear interpolation (half-pixel centres, like tf.image.resizeBilinear with halfPixelCenters). */
export function resizeBilinear(
  src: Uint8Array,
  shape: ImageShape,
  outHeight: number,
  outWidth: number,
): Uint8Array {
  const { height, width, channels } = shape;
  if (src.length !== height * width * channels)
    throw new Error('resizeBilinear: buffer size does not match shape');
  const out = new Uint8Array(outHeight * outWidth * channels);
  if (outHeight === height && outWidth === width) {
    out.set(src);
    return out;
  }
  const scaleY = height / outHeight;
  const scaleX = width / outWidth;
  for (let y = 0; y < outHeight; y++) {
    const sy = (y + 0.5) * scaleY - 0.5;
    for (let x = 0; x < outWidth; x++) {
      const sx = (x + 0.5) * scaleX - 0.5;
      const o = (y * outWidth + x) * channels;
      for (let c = 0; c < channels; c++)
        out[o + c] = Math.round(sampleBilinear(src, 0, shape, sx, sy, c));
    }
  }
  return out;
}

/**
 * Inverse map for an affine warp about the image centre: output pixel (x, y) reads the input at
 * (a·u + b·v + cx + tx, c·u + d·v + cy + ty) with (u, v) = (x − cx, y − cy).
 */
export interface AffineInverse {
  a: number;
  b: number;
  c: number;
  d: number;
  tx: number;
  ty: number;
  /** Mirror the output horizontally after the warp. */
  flip: boolean;
}

/** Warp one image from `src` (at srcOffset) into `out` (at outOffset), same shape. */
export function warpAffine(
  src: Uint8Array,
  srcOffset: number,
  out: Uint8Array,
  outOffset: number,
  shape: ImageShape,
  transform: AffineInverse,
): void {
  const { height, width, channels } = shape;
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const { a, b, c, d, tx, ty, flip } = transform;
  for (let y = 0; y < height; y++) {
    const v = y - cy;
    for (let x = 0; x < width; x++) {
      const u = (flip ? width - 1 - x : x) - cx;
      const sx = a * u + b * v + cx + tx;
      const sy = c * u + d * v + cy + ty;
      const o = outOffset + (y * width + x) * channels;
      for (let ch = 0; ch < channels; ch++) {
        out[o + ch] = Math.round(sampleBilinear(src, srcOffset, shape, sx, sy, ch));
      }
    }
  }
}
