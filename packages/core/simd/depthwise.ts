// Depthwise Conv2D gradients (channel multiplier 1), vectorised over channels, on zero-padded tensors so
// no tap needs a bounds check. Accumulators live in memory (dw is kh·kw·c floats: L1-sized).

/** Adds the filter gradient to dw [kh, kw, c] (zeroed by the caller). xp [n, hp, wp, c] padded; dy [n, oh, ow, c]. */
export function depthwiseFilterGrad(
  xp: usize,
  dy: usize,
  dw: usize,
  n: i32,
  hp: i32,
  wp: i32,
  c: i32,
  oh: i32,
  ow: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
): void {
  const pixel = (<usize>c) << 2;
  const c4 = c & ~3;
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < oh; r++) {
      for (let q = 0; q < ow; q++) {
        const g = dy + (<usize>(b * oh + r) * <usize>ow + <usize>q) * pixel;
        for (let i = 0; i < kh; i++) {
          const xRow = xp + (<usize>(b * hp + r * sh + i) * <usize>wp + <usize>(q * sw)) * pixel;
          for (let j = 0; j < kw; j++) {
            const xv = xRow + <usize>j * pixel;
            const acc = dw + <usize>(i * kw + j) * pixel;
            let k = 0;
            for (; k < c4; k += 4) {
              const off = (<usize>k) << 2;
              v128.store(
                acc + off,
                f32x4.add(v128.load(acc + off), f32x4.mul(v128.load(xv + off), v128.load(g + off))),
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
 * Scatters the input gradient into dxp [n, hp, wp, c] (padded, zeroed by the caller): each output pixel adds
 * dy · filter to the input pixels of its window. filter [kh, kw, c].
 */
export function depthwiseInputGrad(
  dy: usize,
  filter: usize,
  dxp: usize,
  n: i32,
  hp: i32,
  wp: i32,
  c: i32,
  oh: i32,
  ow: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
): void {
  const pixel = (<usize>c) << 2;
  const c4 = c & ~3;
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < oh; r++) {
      for (let q = 0; q < ow; q++) {
        const g = dy + (<usize>(b * oh + r) * <usize>ow + <usize>q) * pixel;
        for (let i = 0; i < kh; i++) {
          const dxRow = dxp + (<usize>(b * hp + r * sh + i) * <usize>wp + <usize>(q * sw)) * pixel;
          for (let j = 0; j < kw; j++) {
            const out = dxRow + <usize>j * pixel;
            const f = filter + <usize>(i * kw + j) * pixel;
            let k = 0;
            for (; k < c4; k += 4) {
              const off = (<usize>k) << 2;
              v128.store(
                out + off,
                f32x4.add(v128.load(out + off), f32x4.mul(v128.load(g + off), v128.load(f + off))),
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
