/**
 * The `synthetic` dataset: 32×32 RGB images of a shape in a colour family on a noisy grey background.
 * Class = shape × colour family (10 classes). Generated from the seed in milliseconds, so tests and demos
 * need no download, and learnable: a small CNN gets well above chance within an epoch or two.
 */
import { mulberry32, randomUniform, type Rng } from './random.ts';
import type { ImageSet, PixelBox } from './types.ts';

export const SYNTHETIC_SHAPES = ['circle', 'square', 'triangle', 'cross', 'ring'] as const;
export const SYNTHETIC_COLOURS = ['warm', 'cool'] as const;
export const SYNTHETIC_SIZE = 32;
export const SYNTHETIC_DEFAULT_TRAIN_COUNT = 2000;
export const SYNTHETIC_DEFAULT_TEST_COUNT = 500;

type Shape = (typeof SYNTHETIC_SHAPES)[number];

/** Class c is shape ⌊c/2⌋ in colour family c mod 2, named e.g. "warm-circle". */
export const SYNTHETIC_CLASS_NAMES: string[] = SYNTHETIC_SHAPES.flatMap((shape) =>
  SYNTHETIC_COLOURS.map((colour) => `${colour}-${shape}`),
);

/** Hue ranges in degrees: warm = reds/oranges/yellows, cool = cyans/blues. */
const HUE_RANGES: Record<(typeof SYNTHETIC_COLOURS)[number], [number, number]> = {
  warm: [0, 50],
  cool: [185, 245],
};

function insideShape(shape: Shape, dx: number, dy: number, r: number): boolean {
  switch (shape) {
    case 'circle':
      return dx * dx + dy * dy <= r * r;
    case 'square':
      return Math.abs(dx) <= r * 0.8 && Math.abs(dy) <= r * 0.8;
    case 'triangle':
      // Pointing up: apex at dy = -r, base at dy = 0.8r.
      return dy >= -r && dy <= 0.8 * r && Math.abs(dx) <= (dy + r) * 0.6;
    case 'cross':
      return (
        (Math.abs(dx) <= r * 0.3 && Math.abs(dy) <= r) ||
        (Math.abs(dy) <= r * 0.3 && Math.abs(dx) <= r)
      );
    case 'ring': {
      const d2 = dx * dx + dy * dy;
      return d2 <= r * r && d2 >= r * r * 0.3;
    }
  }
}

/** HSV (h in degrees, s and v in [0,1]) to RGB bytes. */
function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const f = (n: number): number => {
    const k = (n + h / 60) % 6;
    return Math.round(255 * (v - v * s * Math.max(0, Math.min(k, 4 - k, 1))));
  };
  return [f(5), f(3), f(1)];
}

function clampByte(value: number): number {
  return value < 0 ? 0 : value > 255 ? 255 : Math.round(value);
}

export interface SyntheticOptions {
  /**
   * Small shapes (radius 4–6 px) placed anywhere in the frame instead of large centred ones: a test of
   * whether a model (and its Grad-CAM) finds the object rather than the middle of the picture.
   */
  smallShapes?: boolean;
}

function drawImage(
  target: Uint8Array,
  offset: number,
  label: number,
  rng: Rng,
  options: SyntheticOptions,
): PixelBox {
  const size = SYNTHETIC_SIZE;
  const shape = SYNTHETIC_SHAPES[Math.floor(label / 2)] ?? 'circle';
  const colour = SYNTHETIC_COLOURS[label % 2] ?? 'warm';
  const [hueLow, hueHigh] = HUE_RANGES[colour];
  const fg = hsvToRgb(
    randomUniform(rng, hueLow, hueHigh),
    randomUniform(rng, 0.65, 1),
    randomUniform(rng, 0.7, 1),
  );
  // Dark-to-mid backgrounds keep the bright, saturated shape clearly visible.
  const grey = randomUniform(rng, 10, 110);
  const bg: [number, number, number] = [
    grey + randomUniform(rng, -12, 12),
    grey + randomUniform(rng, -12, 12),
    grey + randomUniform(rng, -12, 12),
  ];
  const r = options.smallShapes ? randomUniform(rng, 4, 6) : randomUniform(rng, 8, 13);
  // Small shapes lie wholly inside the frame, anywhere; large ones near the centre.
  const low = options.smallShapes ? r + 1 : 12;
  const high = options.smallShapes ? size - r - 1 : 20;
  const cx = randomUniform(rng, low, high);
  const cy = randomUniform(rng, low, high);
  const noise = randomUniform(rng, 4, 12);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const base = insideShape(shape, x + 0.5 - cx, y + 0.5 - cy, r) ? fg : bg;
      // One draw gives the three channels' noise (10 bits each): a third of the RNG calls.
      const bits = Math.floor(rng() * 0x40000000);
      const p = offset + (y * size + x) * 3;
      target[p] = clampByte(base[0] + ((bits & 0x3ff) / 511.5 - 1) * noise);
      target[p + 1] = clampByte(base[1] + (((bits >>> 10) & 0x3ff) / 511.5 - 1) * noise);
      target[p + 2] = clampByte(base[2] + (((bits >>> 20) & 0x3ff) / 511.5 - 1) * noise);
    }
  }
  const clip = (v: number) => Math.min(size, Math.max(0, v));
  return {
    x0: clip(Math.floor(cx - r)),
    y0: clip(Math.floor(cy - r)),
    x1: clip(Math.ceil(cx + r)),
    y1: clip(Math.ceil(cy + r)),
  };
}

/** `count` images, classes balanced (image i has class i mod 10), deterministic from `seed`. */
export function generateSynthetic(
  count: number,
  seed: number,
  options: SyntheticOptions = {},
): ImageSet {
  return generateSyntheticWithBoxes(count, seed, options).set;
}

/** generateSynthetic, with each image's shape box. */
export function generateSyntheticWithBoxes(
  count: number,
  seed: number,
  options: SyntheticOptions = {},
): { set: ImageSet; boxes: PixelBox[] } {
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`synthetic: count must be a positive integer, got ${count}`);
  const size = SYNTHETIC_SIZE;
  const numClasses = SYNTHETIC_CLASS_NAMES.length;
  const images = new Uint8Array(count * size * size * 3);
  const labels = new Uint8Array(count);
  const rng = mulberry32(seed);
  const boxes: PixelBox[] = [];
  for (let i = 0; i < count; i++) {
    labels[i] = i % numClasses;
    boxes.push(drawImage(images, i * size * size * 3, i % numClasses, rng, options));
  }
  return {
    set: { images, labels, count, height: size, width: size, channels: 3, numClasses },
    boxes,
  };
}
