/**
 * Heatmaps as pictures: a colour scale (dark blue → cyan → yellow → red, like matplotlib's "jet"
 * without its darkest ends) blended over the image, encoded as PNG, and the byte form grad-cam.json
 * stores.
 */
import { PNG } from 'pngjs';
import { resizeBilinear } from '../data/image-ops.ts';

/** The colour of heat `t` (0–1). */
export function heatColour(t: number): [number, number, number] {
  const v = t < 0 ? 0 : t > 1 ? 1 : t;
  const channel = (centre: number) =>
    Math.round(255 * Math.max(0, Math.min(1, 1.5 - Math.abs(4 * v - centre))));
  return [channel(3), channel(2), channel(1)];
}

/** A 0–1 map as bytes (0–255), the form grad-cam.json stores. */
export function heatmapToBytes(map: ArrayLike<number>): Uint8Array {
  return Uint8Array.from(map, (v) => Math.round(255 * (v < 0 ? 0 : v > 1 ? 1 : v)));
}

export function heatmapFromBytes(bytes: Uint8Array): Float32Array {
  return Float32Array.from(bytes, (b) => b / 255);
}

export interface StoredImage {
  /** HWC uint8. */
  pixels: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3;
}

/**
 * The image, resized to the heatmap's size, with the heat blended over it: opacity grows with the heat
 * (at most `opacity`), so cold regions show the picture itself. RGBA at the map's size.
 */
export function overlayHeatmap(
  image: StoredImage,
  map: ArrayLike<number>,
  mapWidth: number,
  mapHeight: number,
  opacity = 0.6,
): Uint8Array {
  if (map.length !== mapWidth * mapHeight)
    throw new Error(`overlayHeatmap: ${map.length} values for ${mapWidth}×${mapHeight}`);
  const { channels } = image;
  const resized = resizeBilinear(
    image.pixels,
    { height: image.height, width: image.width, channels },
    mapHeight,
    mapWidth,
  );
  const rgba = new Uint8Array(mapWidth * mapHeight * 4);
  for (let p = 0; p < mapWidth * mapHeight; p++) {
    const heat = map[p] ?? 0;
    const alpha = opacity * Math.min(1, Math.max(0, heat) * 1.5);
    const colour = heatColour(heat);
    for (let c = 0; c < 3; c++) {
      const base = resized[p * channels + (channels === 3 ? c : 0)] ?? 0;
      rgba[p * 4 + c] = Math.round(base * (1 - alpha) + colour[c]! * alpha);
    }
    rgba[p * 4 + 3] = 255;
  }
  return rgba;
}

/** RGBA (or HWC grey/RGB) pixels as a PNG file. */
export function encodePng(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: 1 | 3 | 4,
): Buffer {
  if (pixels.length !== width * height * channels)
    throw new Error(`encodePng: ${pixels.length} bytes for ${width}×${height}×${channels}`);
  const png = new PNG({ width, height, colorType: 6 });
  for (let p = 0; p < width * height; p++) {
    const source = p * channels;
    const grey = pixels[source] ?? 0;
    png.data[p * 4] = grey;
    png.data[p * 4 + 1] = channels === 1 ? grey : (pixels[source + 1] ?? 0);
    png.data[p * 4 + 2] = channels === 1 ? grey : (pixels[source + 2] ?? 0);
    png.data[p * 4 + 3] = channels === 4 ? (pixels[source + 3] ?? 255) : 255;
  }
  return PNG.sync.write(png);
}

/** A PNG file's pixels as HWC RGB (alpha dropped). */
export function decodePngRgb(bytes: Uint8Array): StoredImage {
  const png = PNG.sync.read(Buffer.from(bytes));
  const pixels = new Uint8Array(png.width * png.height * 3);
  for (let p = 0; p < png.width * png.height; p++) {
    for (let c = 0; c < 3; c++) pixels[p * 3 + c] = png.data[p * 4 + c] ?? 0;
  }
  return { pixels, width: png.width, height: png.height, channels: 3 };
}

/** The overlay of one heatmap on an image, as a PNG at the map's size. */
export function overlayPng(
  image: StoredImage,
  map: ArrayLike<number>,
  mapWidth: number,
  mapHeight: number,
): Buffer {
  return encodePng(overlayHeatmap(image, map, mapWidth, mapHeight), mapWidth, mapHeight, 4);
}
