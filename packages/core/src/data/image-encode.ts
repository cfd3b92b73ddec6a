/** Images of an ImageSet as PNG files (what the dashboard shows and what predict reads back losslessly). */
import { PNG } from 'pngjs';
import type { ImageSet } from './types.ts';

/** One HWC uint8 image of the set as a PNG (grey images are expanded to RGB). */
export function encodeImagePng(set: ImageSet, index: number): Buffer {
  if (!Number.isInteger(index) || index < 0 || index >= set.count) {
    throw new RangeError(`image index ${index} is outside the test set (0–${set.count - 1})`);
  }
  const { width, height, channels } = set;
  const pixels = width * height;
  const offset = index * pixels * channels;
  const png = new PNG({ width, height, colorType: 6 });
  for (let p = 0; p < pixels; p += 1) {
    const source = offset + p * channels;
    const red = set.images[source] ?? 0;
    png.data[p * 4] = red;
    png.data[p * 4 + 1] = channels === 3 ? (set.images[source + 1] ?? 0) : red;
    png.data[p * 4 + 2] = channels === 3 ? (set.images[source + 2] ?? 0) : red;
    png.data[p * 4 + 3] = 255;
  }
  return PNG.sync.write(png);
}
