// Matrix products for dense layers and 1×1 convolutions: C[M×N] = A·B, all row-major. Register tiles of
// 6 rows × 8 columns (12 accumulators: enough independent multiply-adds to keep both FMA ports busy);
// K runs in blocks so a block of B stays in cache while every row tile uses it. (Reading a transposed A
// through strides measured 28% slower than transposing it first: `transpose` below.)

import { madd } from './madd';

const KC = 256;

function tile4x8(
  a: usize,
  b: usize,
  c: usize,
  k0: i32,
  k1: i32,
  n: i32,
  sm: usize,
  sk: usize,
  first: bool,
): void {
  const cRow = (<usize>n) << 2;
  let c00 = f32x4.splat(0),
    c01 = f32x4.splat(0),
    c10 = f32x4.splat(0),
    c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0),
    c21 = f32x4.splat(0),
    c30 = f32x4.splat(0),
    c31 = f32x4.splat(0);
  if (!first) {
    c00 = v128.load(c);
    c01 = v128.load(c, 16);
    c10 = v128.load(c + cRow);
    c11 = v128.load(c + cRow, 16);
    c20 = v128.load(c + 2 * cRow);
    c21 = v128.load(c + 2 * cRow, 16);
    c30 = v128.load(c + 3 * cRow);
    c31 = v128.load(c + 3 * cRow, 16);
  }
  let pa = a + <usize>k0 * sk;
  let pb = b + <usize>k0 * cRow;
  for (let k = k0; k < k1; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const a0 = v128.load32_splat(pa);
    const a1 = v128.load32_splat(pa + sm);
    const a2 = v128.load32_splat(pa + 2 * sm);
    const a3 = v128.load32_splat(pa + 3 * sm);
    c00 = madd(a0, b0, c00);
    c01 = madd(a0, b1, c01);
    c10 = madd(a1, b0, c10);
    c11 = madd(a1, b1, c11);
    c20 = madd(a2, b0, c20);
    c21 = madd(a2, b1, c21);
    c30 = madd(a3, b0, c30);
    c31 = madd(a3, b1, c31);
    pa += sk;
    pb += cRow;
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + cRow, c10);
  v128.store(c + cRow, c11, 16);
  v128.store(c + 2 * cRow, c20);
  v128.store(c + 2 * cRow, c21, 16);
  v128.store(c + 3 * cRow, c30);
  v128.store(c + 3 * cRow, c31, 16);
}

function tile6x8(
  a: usize,
  b: usize,
  c: usize,
  k0: i32,
  k1: i32,
  n: i32,
  sm: usize,
  sk: usize,
  first: bool,
): void {
  const cRow = (<usize>n) << 2;
  let c00 = f32x4.splat(0),
    c01 = f32x4.splat(0),
    c10 = f32x4.splat(0),
    c11 = f32x4.splat(0),
    c20 = f32x4.splat(0),
    c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0),
    c31 = f32x4.splat(0),
    c40 = f32x4.splat(0),
    c41 = f32x4.splat(0),
    c50 = f32x4.splat(0),
    c51 = f32x4.splat(0);
  if (!first) {
    c00 = v128.load(c);
    c01 = v128.load(c, 16);
    c10 = v128.load(c + cRow);
    c11 = v128.load(c + cRow, 16);
    c20 = v128.load(c + 2 * cRow);
    c21 = v128.load(c + 2 * cRow, 16);
    c30 = v128.load(c + 3 * cRow);
    c31 = v128.load(c + 3 * cRow, 16);
    c40 = v128.load(c + 4 * cRow);
    c41 = v128.load(c + 4 * cRow, 16);
    c50 = v128.load(c + 5 * cRow);
    c51 = v128.load(c + 5 * cRow, 16);
  }
  let pa = a + <usize>k0 * sk;
  let pb = b + <usize>k0 * cRow;
  for (let k = k0; k < k1; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let ai = v128.load32_splat(pa);
    c00 = madd(ai, b0, c00);
    c01 = madd(ai, b1, c01);
    ai = v128.load32_splat(pa + sm);
    c10 = madd(ai, b0, c10);
    c11 = madd(ai, b1, c11);
    ai = v128.load32_splat(pa + 2 * sm);
    c20 = madd(ai, b0, c20);
    c21 = madd(ai, b1, c21);
    ai = v128.load32_splat(pa + 3 * sm);
    c30 = madd(ai, b0, c30);
    c31 = madd(ai, b1, c31);
    ai = v128.load32_splat(pa + 4 * sm);
    c40 = madd(ai, b0, c40);
    c41 = madd(ai, b1, c41);
    ai = v128.load32_splat(pa + 5 * sm);
    c50 = madd(ai, b0, c50);
    c51 = madd(ai, b1, c51);
    pa += sk;
    pb += cRow;
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + cRow, c10);
  v128.store(c + cRow, c11, 16);
  v128.store(c + 2 * cRow, c20);
  v128.store(c + 2 * cRow, c21, 16);
  v128.store(c + 3 * cRow, c30);
  v128.store(c + 3 * cRow, c31, 16);
  v128.store(c + 4 * cRow, c40);
  v128.store(c + 4 * cRow, c41, 16);
  v128.store(c + 5 * cRow, c50);
  v128.store(c + 5 * cRow, c51, 16);
}

/** rows × 4 columns (rows ≤ 6), for the column tail; also the row tail. */
function tileRowsx4(
  a: usize,
  b: usize,
  c: usize,
  rows: i32,
  k0: i32,
  k1: i32,
  n: i32,
  sm: usize,
  sk: usize,
  first: bool,
): void {
  const cRow = (<usize>n) << 2;
  for (let i = 0; i < rows; i++) {
    const ci = c + <usize>i * cRow;
    let acc = first ? f32x4.splat(0) : v128.load(ci);
    let pa = a + <usize>i * sm + <usize>k0 * sk;
    let pb = b + <usize>k0 * cRow;
    for (let k = k0; k < k1; k++) {
      acc = madd(v128.load32_splat(pa), v128.load(pb), acc);
      pa += sk;
      pb += cRow;
    }
    v128.store(ci, acc);
  }
}

/** Scalar rows × 1 column (the last n % 4 columns). */
function tileRowsx1(
  a: usize,
  b: usize,
  c: usize,
  rows: i32,
  k0: i32,
  k1: i32,
  n: i32,
  sm: usize,
  sk: usize,
  first: bool,
): void {
  const cRow = (<usize>n) << 2;
  for (let i = 0; i < rows; i++) {
    const ci = c + <usize>i * cRow;
    let acc: f32 = first ? 0 : load<f32>(ci);
    let pa = a + <usize>i * sm + <usize>k0 * sk;
    let pb = b + <usize>k0 * cRow;
    for (let k = k0; k < k1; k++) {
      acc += load<f32>(pa) * load<f32>(pb);
      pa += sk;
      pb += cRow;
    }
    store<f32>(ci, acc);
  }
}

/** C [m×n] = A [m×k] · B [k×n]. */
export function gemm(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32): void {
  const sm = (<usize>k) << 2;
  const sk: usize = 4;
  const cRow = (<usize>n) << 2;
  const n8 = n & ~7;
  const n4 = n & ~3;
  if (k == 0) {
    memory.fill(c, 0, <usize>m * cRow);
    return;
  }
  for (let k0 = 0; k0 < k; k0 += KC) {
    const k1 = min(k, k0 + KC);
    const first = k0 == 0;
    for (let i = 0; i < m;) {
      // Six-row tiles, then one four-row tile, then what is left (fewer than four rows).
      const rows = m - i >= 6 ? 6 : m - i >= 4 ? 4 : m - i;
      const ai = a + <usize>i * sm;
      const ci = c + <usize>i * cRow;
      let j = 0;
      if (rows == 6) {
        for (; j < n8; j += 8)
          tile6x8(ai, b + ((<usize>j) << 2), ci + ((<usize>j) << 2), k0, k1, n, sm, sk, first);
      } else if (rows == 4) {
        for (; j < n8; j += 8)
          tile4x8(ai, b + ((<usize>j) << 2), ci + ((<usize>j) << 2), k0, k1, n, sm, sk, first);
      }
      for (; j < n4; j += 4)
        tileRowsx4(
          ai,
          b + ((<usize>j) << 2),
          ci + ((<usize>j) << 2),
          rows,
          k0,
          k1,
          n,
          sm,
          sk,
          first,
        );
      for (; j < n; j++)
        tileRowsx1(
          ai,
          b + ((<usize>j) << 2),
          ci + ((<usize>j) << 2),
          rows,
          k0,
          k1,
          n,
          sm,
          sk,
          first,
        );
      i += rows;
    }
  }
}

/** dst [cols × rows] = transpose of src [rows × cols], in 4×4 blocks. */
export function transpose(src: usize, dst: usize, rows: i32, cols: i32): void {
  const r4 = rows & ~3;
  const c4 = cols & ~3;
  const srcRow = (<usize>cols) << 2;
  const dstRow = (<usize>rows) << 2;
  for (let r = 0; r < r4; r += 4) {
    const s = src + <usize>r * srcRow;
    const d = dst + ((<usize>r) << 2);
    for (let c = 0; c < c4; c += 4) {
      const off = (<usize>c) << 2;
      const x0 = v128.load(s + off);
      const x1 = v128.load(s + srcRow + off);
      const x2 = v128.load(s + 2 * srcRow + off);
      const x3 = v128.load(s + 3 * srcRow + off);
      const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
      const t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
      const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
      const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
      const dc = d + <usize>c * dstRow;
      v128.store(dc, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
      v128.store(dc + dstRow, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
      v128.store(dc + 2 * dstRow, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
      v128.store(dc + 3 * dstRow, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
    }
    for (let c = c4; c < cols; c++) {
      for (let i = 0; i < 4; i++)
        store<f32>(
          dst + ((<usize>(c * rows + r + i)) << 2),
          load<f32>(src + ((<usize>((r + i) * cols + c)) << 2)),
        );
    }
  }
  for (let r = r4; r < rows; r++) {
    for (let c = 0; c < cols; c++)
      store<f32>(
        dst + ((<usize>(c * rows + r)) << 2),
        load<f32>(src + ((<usize>(r * cols + c)) << 2)),
      );
  }
}
