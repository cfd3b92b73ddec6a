/**
 * A small RGBA raster for the Markdown report's PNG figures (charts, confusion matrices): lines, boxes
 * and a 3×5 pixel font for numbers. Titles and legends go in the Markdown beside each figure, so only
 * tick values need drawing here.
 */
import { PNG } from 'pngjs';

type Rgb = readonly [number, number, number];

export function hexColour(hex: string): Rgb {
  const value = Number.parseInt(hex.replace('#', ''), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

/** 3×5 glyphs, one row of three bits per string character ('1' = ink). */
const GLYPHS: Record<string, readonly string[]> = {
  '0': ['111', '101', '101', '101', '111'],
  '1': ['010', '110', '010', '010', '111'],
  '2': ['111', '001', '111', '100', '111'],
  '3': ['111', '001', '111', '001', '111'],
  '4': ['101', '101', '111', '001', '001'],
  '5': ['111', '100', '111', '001', '111'],
  '6': ['111', '100', '111', '101', '111'],
  '7': ['111', '001', '010', '010', '010'],
  '8': ['111', '101', '111', '101', '111'],
  '9': ['111', '101', '111', '001', '111'],
  '.': ['000', '000', '000', '000', '010'],
  '-': ['000', '000', '111', '000', '000'],
  '%': ['101', '001', '010', '100', '101'],
};

export class PngCanvas {
  private readonly png: PNG;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.png = new PNG({ width, height, colorType: 6 });
    this.png.data.fill(255);
  }

  pixel(x: number, y: number, [r, g, b]: Rgb, alpha = 1): void {
    const px = Math.round(x);
    const py = Math.round(y);
    if (px < 0 || py < 0 || px >= this.width || py >= this.height) return;
    const at = (py * this.width + px) * 4;
    const data = this.png.data;
    data[at] = Math.round((data[at] ?? 0) * (1 - alpha) + r * alpha);
    data[at + 1] = Math.round((data[at + 1] ?? 0) * (1 - alpha) + g * alpha);
    data[at + 2] = Math.round((data[at + 2] ?? 0) * (1 - alpha) + b * alpha);
    data[at + 3] = 255;
  }

  fillRect(x: number, y: number, width: number, height: number, colour: Rgb): void {
    for (let py = Math.round(y); py < Math.round(y + height); py += 1)
      for (let px = Math.round(x); px < Math.round(x + width); px += 1) this.pixel(px, py, colour);
  }

  /** A line `thickness` pixels wide; `dash` draws `dash` pixels on, `dash` off. */
  line(x0: number, y0: number, x1: number, y1: number, colour: Rgb, thickness = 1, dash = 0): void {
    const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
    const half = (thickness - 1) / 2;
    for (let i = 0; i <= steps; i += 1) {
      if (dash > 0 && Math.floor(i / dash) % 2 === 1) continue;
      const x = x0 + ((x1 - x0) * i) / steps;
      const y = y0 + ((y1 - y0) * i) / steps;
      for (let dy = -half; dy <= half; dy += 1)
        for (let dx = -half; dx <= half; dx += 1) this.pixel(x + dx, y + dy, colour);
    }
  }

  /** Numbers in the 3×5 font at `scale`; `align` says which end of the text x is. */
  text(
    value: string,
    x: number,
    y: number,
    colour: Rgb,
    scale = 2,
    align: 'left' | 'right' | 'centre' = 'left',
  ): void {
    const advance = 4 * scale;
    const width = value.length * advance - scale;
    let left = align === 'left' ? x : align === 'right' ? x - width : x - width / 2;
    for (const char of value) {
      const glyph = GLYPHS[char];
      glyph?.forEach((row, gy) => {
        for (let gx = 0; gx < 3; gx += 1)
          if (row[gx] === '1')
            this.fillRect(left + gx * scale, y + gy * scale, scale, scale, colour);
      });
      left += advance;
    }
  }

  /** Copies an RGBA image in, scaled by nearest neighbour to `width` × `height`. */
  drawImage(source: PNG, x: number, y: number, width: number, height: number): void {
    for (let py = 0; py < height; py += 1)
      for (let px = 0; px < width; px += 1) {
        const sx = Math.min(source.width - 1, Math.floor((px * source.width) / width));
        const sy = Math.min(source.height - 1, Math.floor((py * source.height) / height));
        const at = (sy * source.width + sx) * 4;
        const d = source.data;
        this.pixel(x + px, y + py, [d[at] ?? 0, d[at + 1] ?? 0, d[at + 2] ?? 0]);
      }
  }

  encode(): Buffer {
    return PNG.sync.write(this.png);
  }
}
