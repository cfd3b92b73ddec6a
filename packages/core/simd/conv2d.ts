// Conv2D filter gradient without im2col: dW[i][j][co] = Σ_{n,oh,ow} xp[n, oh·sh + i, ow·sw·ci + j] · dy[n, oh, ow, co]
// with j over the kw·ci floats of one filter row, which lie contiguously in the zero-padded input xp.
// Register tiles of 4 j × 8 co (8 accumulators) keep the loop within the 16 xmm registers (6 × 8, as in
// gemm.ts, measured 15% slower here: this loop keeps more pointers live). Each tile
// runs over a group of images whose x and dy fit in L2 together: with small feature maps (MobileNetV2's
// 3×3) a tile then still gets long loops, with large ones the data stays cached across tiles.

import { madd } from './madd';

/** Floats of x and dy per image group (~1 MB). */
const GROUP_FLOATS = 262144;

// Tiles take the walk as plain arguments (a kernel must not allocate: no objects). Strides are in bytes:
// xStep along a row of x, xRow/dyRow between rows, xImage/dyImage between images; co4 = co · 4.

function tile4x8(
  x: usize,
  dy: usize,
  dw: usize,
  images: i32,
  rows: i32,
  cols: i32,
  xStep: usize,
  xRow: usize,
  xImage: usize,
  dyRow: usize,
  dyImage: usize,
  co4: usize,
): void {
  let a00 = v128.load(dw),
    a01 = v128.load(dw, 16);
  let a10 = v128.load(dw + co4),
    a11 = v128.load(dw + co4, 16);
  let a20 = v128.load(dw + 2 * co4),
    a21 = v128.load(dw + 2 * co4, 16);
  let a30 = v128.load(dw + 3 * co4),
    a31 = v128.load(dw + 3 * co4, 16);
  for (let b = 0; b < images; b++) {
    for (let r = 0; r < rows; r++) {
      let xp = x + <usize>b * xImage + <usize>r * xRow;
      let dp = dy + <usize>b * dyImage + <usize>r * dyRow;
      for (let q = 0; q < cols; q++) {
        const b0 = v128.load(dp);
        const b1 = v128.load(dp, 16);
        const x0 = v128.load32_splat(xp);
        const x1 = v128.load32_splat(xp, 4);
        const x2 = v128.load32_splat(xp, 8);
        const x3 = v128.load32_splat(xp, 12);
        a00 = madd(x0, b0, a00);
        a01 = madd(x0, b1, a01);
        a10 = madd(x1, b0, a10);
        a11 = madd(x1, b1, a11);
        a20 = madd(x2, b0, a20);
        a21 = madd(x2, b1, a21);
        a30 = madd(x3, b0, a30);
        a31 = madd(x3, b1, a31);
        xp += xStep;
        dp += co4;
      }
    }
  }
  v128.store(dw, a00);
  v128.store(dw, a01, 16);
  v128.store(dw + co4, a10);
  v128.store(dw + co4, a11, 16);
  v128.store(dw + 2 * co4, a20);
  v128.store(dw + 2 * co4, a21, 16);
  v128.store(dw + 3 * co4, a30);
  v128.store(dw + 3 * co4, a31, 16);
}

function tile4x4(
  x: usize,
  dy: usize,
  dw: usize,
  images: i32,
  rows: i32,
  cols: i32,
  xStep: usize,
  xRow: usize,
  xImage: usize,
  dyRow: usize,
  dyImage: usize,
  co4: usize,
): void {
  let a0 = v128.load(dw);
  let a1 = v128.load(dw + co4);
  let a2 = v128.load(dw + 2 * co4);
  let a3 = v128.load(dw + 3 * co4);
  for (let b = 0; b < images; b++) {
    for (let r = 0; r < rows; r++) {
      let xp = x + <usize>b * xImage + <usize>r * xRow;
      let dp = dy + <usize>b * dyImage + <usize>r * dyRow;
      for (let q = 0; q < cols; q++) {
        const g = v128.load(dp);
        a0 = madd(v128.load32_splat(xp), g, a0);
        a1 = madd(v128.load32_splat(xp, 4), g, a1);
        a2 = madd(v128.load32_splat(xp, 8), g, a2);
        a3 = madd(v128.load32_splat(xp, 12), g, a3);
        xp += xStep;
        dp += co4;
      }
    }
  }
  v128.store(dw, a0);
  v128.store(dw + co4, a1);
  v128.store(dw + 2 * co4, a2);
  v128.store(dw + 3 * co4, a3);
}

function tile1x4(
  x: usize,
  dy: usize,
  dw: usize,
  images: i32,
  rows: i32,
  cols: i32,
  xStep: usize,
  xRow: usize,
  xImage: usize,
  dyRow: usize,
  dyImage: usize,
  co4: usize,
): void {
  let a = v128.load(dw);
  for (let b = 0; b < images; b++) {
    for (let r = 0; r < rows; r++) {
      let xp = x + <usize>b * xImage + <usize>r * xRow;
      let dp = dy + <usize>b * dyImage + <usize>r * dyRow;
      for (let q = 0; q < cols; q++) {
        a = madd(v128.load32_splat(xp), v128.load(dp), a);
        xp += xStep;
        dp += co4;
      }
    }
  }
  v128.store(dw, a);
}

/**
 * Adds the filter gradient of one convolution to dw [kh, kw, ci, co] (the caller zeroes it first).
 * xp: input [n, hp, wp, ci], already zero-padded so every window of every output pixel is in range;
 * dy: [n, oh, ow, co]. co must be a multiple of 4.
 */
export function conv2dFilterGrad(
  xp: usize,
  dy: usize,
  dw: usize,
  n: i32,
  hp: i32,
  wp: i32,
  ci: i32,
  oh: i32,
  ow: i32,
  co: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
): void {
  const rowFloats = kw * ci;
  const co4 = (<usize>co) << 2;
  const xImage = (<usize>(hp * wp * ci)) << 2;
  const dyImage = <usize>(oh * ow) * co4;
  const perImage = hp * wp * ci + oh * ow * co;
  const group = max(1, min(n, GROUP_FLOATS / perImage));
  const xStep = (<usize>(sw * ci)) << 2;
  const xRow = (<usize>(sh * wp * ci)) << 2;
  const dyRow = <usize>ow * co4;
  const co8 = co & ~7;
  for (let b0 = 0; b0 < n; b0 += group) {
    const images = min(group, n - b0);
    const xb = xp + <usize>b0 * xImage;
    const dyb = dy + <usize>b0 * dyImage;
    for (let i = 0; i < kh; i++) {
      const x0 = xb + ((<usize>(i * wp * ci)) << 2);
      const dwRow = dw + <usize>(i * rowFloats) * co4;
      let j = 0;
      for (; j + 4 <= rowFloats; j += 4) {
        const xj = x0 + ((<usize>j) << 2);
        const dwj = dwRow + <usize>j * co4;
        let c = 0;
        for (; c < co8; c += 8)
          tile4x8(
            xj,
            dyb + ((<usize>c) << 2),
            dwj + ((<usize>c) << 2),
            images,
            oh,
            ow,
            xStep,
            xRow,
            xImage,
            dyRow,
            dyImage,
            co4,
          );
        for (; c < co; c += 4)
          tile4x4(
            xj,
            dyb + ((<usize>c) << 2),
            dwj + ((<usize>c) << 2),
            images,
            oh,
            ow,
            xStep,
            xRow,
            xImage,
            dyRow,
            dyImage,
            co4,
          );
      }
      for (; j < rowFloats; j++) {
        const xj = x0 + ((<usize>j) << 2);
        const dwj = dwRow + <usize>j * co4;
        for (let c = 0; c < co; c += 4)
          tile1x4(
            xj,
            dyb + ((<usize>c) << 2),
            dwj + ((<usize>c) << 2),
            images,
            oh,
            ow,
            xStep,
            xRow,
            xImage,
            dyRow,
            dyImage,
            co4,
          );
      }
    }
  }
}

/**
 * Copies x [n, h, w, c] into out [n, outH, outW, c] at row `top`, column `left`, zero elsewhere. Rows or
 * columns of x that fall outside out are dropped (a 'valid' convolution that never reads them).
 */
export function padNhwc(
  x: usize,
  out: usize,
  n: i32,
  h: i32,
  w: i32,
  c: i32,
  top: i32,
  left: i32,
  outH: i32,
  outW: i32,
): void {
  const pixel = (<usize>c) << 2;
  memory.fill(out, 0, <usize>n * <usize>outH * <usize>outW * pixel);
  const w0 = left < 0 ? -left : 0;
  const w1 = min(w, outW - left);
  if (w1 <= w0) return;
  const rowBytes = <usize>(w1 - w0) * pixel;
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < h; r++) {
      const outRow = r + top;
      if (outRow < 0 || outRow >= outH) continue;
      const src = x + (<usize>(b * h + r) * <usize>w + <usize>w0) * pixel;
      const dst = out + (<usize>(b * outH + outRow) * <usize>outW + <usize>(w0 + left)) * pixel;
      memory.copy(dst, src, rowBytes);
    }
  }
}
