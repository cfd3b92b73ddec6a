// Depthwise Conv2D gradients (channel multiplier 1), vectorised over channels, with the window's taps
// bounds-checked (padding is never materialised: on MobileNetV2's 3×3 maps a padded copy is 2.8× the
// data). The input gradient gathers each input pixel's taps into its (L1-sized) row of dx.
// Accumulators live in memory (dw is kh·kw·c floats: L1-sized).

import { madd } from './madd';

/**
 * Adds the filter gradient to dw [kh, kw, c] (zeroed by the caller): each output pixel adds x · dy for
 * the input pixels of its window that exist (no padded copy). x [n, h, w, c]; dy [n, oh, ow, c].
 */
export function depthwiseFilterGrad(
  x: usize,
  dy: usize,
  dw: usize,
  n: i32,
  h: i32,
  w: i32,
  c: i32,
  oh: i32,
  ow: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  pt: i32,
  pl: i32,
): void {
  const pixel = (<usize>c) << 2;
  const c4 = c & ~3;
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < oh; r++) {
      for (let q = 0; q < ow; q++) {
        const g = dy + (<usize>(b * oh + r) * <usize>ow + <usize>q) * pixel;
        for (let i = 0; i < kh; i++) {
          const y = r * sh + i - pt;
          if (y < 0 || y >= h) continue;
          for (let j = 0; j < kw; j++) {
            const col = q * sw + j - pl;
            if (col < 0 || col >= w) continue;
            const xv = x + (<usize>(b * h + y) * <usize>w + <usize>col) * pixel;
            const acc = dw + <usize>(i * kw + j) * pixel;
            let k = 0;
            for (; k < c4; k += 4) {
              const off = (<usize>k) << 2;
              v128.store(
                acc + off,
                madd(v128.load(xv + off), v128.load(g + off), v128.load(acc + off)),
              );
            }
            for (; k < c; k++) {
              const off = (<usize>k) << 2;
              store<f32>(
                acc + off,
                load<f32>(acc + off) + load<f32>(xv + off) * load<f32>(g + off),
              );
            }
          }
        }
      }
    }
  }
}

/**
 * The input gradient dx [n, h, w, c] gathered pixel by pixel: each input pixel adds dy · filter over the
 * output pixels whose windows cover it (no padded buffer). filter [kh, kw, c]; pt, pl: padding.
 */
export function depthwiseInputGrad(
  dy: usize,
  filter: usize,
  dx: usize,
  n: i32,
  h: i32,
  w: i32,
  c: i32,
  oh: i32,
  ow: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  pt: i32,
  pl: i32,
): void {
  const pixel = (<usize>c) << 2;
  const c4 = c & ~3;
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const out = dx + (<usize>(b * h + y) * <usize>w + <usize>x) * pixel;
        memory.fill(out, 0, pixel);
        for (let i = 0; i < kh; i++) {
          const rowAt = y + pt - i;
          if (rowAt < 0 || rowAt % sh != 0) continue;
          const r = rowAt / sh;
          if (r >= oh) continue;
          for (let j = 0; j < kw; j++) {
            const colAt = x + pl - j;
            if (colAt < 0 || colAt % sw != 0) continue;
            const q = colAt / sw;
            if (q >= ow) continue;
            const g = dy + (<usize>(b * oh + r) * <usize>ow + <usize>q) * pixel;
            const f = filter + <usize>(i * kw + j) * pixel;
            let k = 0;
            for (; k < c4; k += 4) {
              const off = (<usize>k) << 2;
              v128.store(
                out + off,
                madd(v128.load(g + off), v128.load(f + off), v128.load(out + off)),
              );
            }
            for (; k < c; k++) {
              const off = (<usize>k) << 2;
              store<f32>(out + off, load<f32>(out + off) + load<f32>(g + off) * load<f32>(f + off));
            }
          }
        }
      }
    }
  }
}
