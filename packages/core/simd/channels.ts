// Per-channel reductions and affine maps over a channels-last tensor viewed as a [rows × c] matrix: batch
// norm's statistics, its normalisation and its gradient, and bias gradients. Sums run in float32 over
// chunks of CHUNK rows, then into float64 accumulators, so long reductions stay accurate.

import { madd } from './madd';

const CHUNK = 64;

/** scratch layout: c float64 accumulators, then c float32 chunk accumulators. */
function f32Acc(scratch: usize, c: i32): usize {
  return scratch + ((<usize>c) << 3);
}

function flushChunk(scratch: usize, c: i32): void {
  const acc32 = f32Acc(scratch, c);
  for (let k = 0; k < c; k++) {
    const p32 = acc32 + ((<usize>k) << 2);
    const p64 = scratch + ((<usize>k) << 3);
    store<f64>(p64, load<f64>(p64) + <f64>load<f32>(p32));
    store<f32>(p32, 0);
  }
}

function zeroScratch(scratch: usize, c: i32): void {
  memory.fill(scratch, 0, <usize>c * 12);
}

function storeResult(scratch: usize, c: i32, out: usize, divisor: f64): void {
  for (let k = 0; k < c; k++)
    store<f32>(out + ((<usize>k) << 2), <f32>(load<f64>(scratch + ((<usize>k) << 3)) / divisor));
}

/** out[k] = Σ_r x[r, k] / divisor. scratch: 12·c bytes. */
export function channelSums(
  x: usize,
  rows: i32,
  c: i32,
  out: usize,
  divisor: f64,
  scratch: usize,
): void {
  zeroScratch(scratch, c);
  const acc = f32Acc(scratch, c);
  const c4 = c & ~3;
  const rowBytes = (<usize>c) << 2;
  for (let r0 = 0; r0 < rows; r0 += CHUNK) {
    const r1 = min(rows, r0 + CHUNK);
    for (let r = r0; r < r1; r++) {
      const row = x + <usize>r * rowBytes;
      let k = 0;
      for (; k < c4; k += 4) {
        const p = acc + ((<usize>k) << 2);
        v128.store(p, f32x4.add(v128.load(p), v128.load(row + ((<usize>k) << 2))));
      }
      for (; k < c; k++) {
        const p = acc + ((<usize>k) << 2);
        store<f32>(p, load<f32>(p) + load<f32>(row + ((<usize>k) << 2)));
      }
    }
    flushChunk(scratch, c);
  }
  storeResult(scratch, c, out, divisor);
}

/** mean[k] and the biased variance[k] of column k, in two passes. scratch: 12·c bytes. */
export function channelMoments(
  x: usize,
  rows: i32,
  c: i32,
  mean: usize,
  variance: usize,
  scratch: usize,
): void {
  channelSums(x, rows, c, mean, <f64>rows, scratch);
  zeroScratch(scratch, c);
  const acc = f32Acc(scratch, c);
  const c4 = c & ~3;
  const rowBytes = (<usize>c) << 2;
  for (let r0 = 0; r0 < rows; r0 += CHUNK) {
    const r1 = min(rows, r0 + CHUNK);
    for (let r = r0; r < r1; r++) {
      const row = x + <usize>r * rowBytes;
      let k = 0;
      for (; k < c4; k += 4) {
        const off = (<usize>k) << 2;
        const d = f32x4.sub(v128.load(row + off), v128.load(mean + off));
        v128.store(acc + off, madd(d, d, v128.load(acc + off)));
      }
      for (; k < c; k++) {
        const off = (<usize>k) << 2;
        const d = load<f32>(row + off) - load<f32>(mean + off);
        store<f32>(acc + off, load<f32>(acc + off) + d * d);
      }
    }
    flushChunk(scratch, c);
  }
  storeResult(scratch, c, variance, <f64>rows);
}

/** y[r, k] = x[r, k] · scale[k] + shift[k] (y may be x). */
export function channelAffine(
  x: usize,
  y: usize,
  rows: i32,
  c: i32,
  scale: usize,
  shift: usize,
): void {
  const c4 = c & ~3;
  const rowBytes = (<usize>c) << 2;
  for (let r = 0; r < rows; r++) {
    const src = x + <usize>r * rowBytes;
    const dst = y + <usize>r * rowBytes;
    let k = 0;
    for (; k < c4; k += 4) {
      const off = (<usize>k) << 2;
      v128.store(
        dst + off,
        f32x4.add(f32x4.mul(v128.load(src + off), v128.load(scale + off)), v128.load(shift + off)),
      );
    }
    for (; k < c; k++) {
      const off = (<usize>k) << 2;
      store<f32>(dst + off, load<f32>(src + off) * load<f32>(scale + off) + load<f32>(shift + off));
    }
  }
}

/**
 * Batch norm's backward sums in one pass: sumDy[k] = Σ_r dy[r, k] and sumDyXmu[k] = Σ_r dy[r, k]·(x[r, k] − mean[k]).
 * scratch: 24·c bytes.
 */
export function batchNormGradSums(
  dy: usize,
  x: usize,
  rows: i32,
  c: i32,
  mean: usize,
  sumDy: usize,
  sumDyXmu: usize,
  scratch: usize,
): void {
  const second = scratch + <usize>c * 12;
  zeroScratch(scratch, c);
  zeroScratch(second, c);
  const accDy = f32Acc(scratch, c);
  const accDyX = f32Acc(second, c);
  const c4 = c & ~3;
  const rowBytes = (<usize>c) << 2;
  for (let r0 = 0; r0 < rows; r0 += CHUNK) {
    const r1 = min(rows, r0 + CHUNK);
    for (let r = r0; r < r1; r++) {
      const g = dy + <usize>r * rowBytes;
      const v = x + <usize>r * rowBytes;
      let k = 0;
      for (; k < c4; k += 4) {
        const off = (<usize>k) << 2;
        const gk = v128.load(g + off);
        const d = f32x4.sub(v128.load(v + off), v128.load(mean + off));
        v128.store(accDy + off, f32x4.add(v128.load(accDy + off), gk));
        v128.store(accDyX + off, madd(gk, d, v128.load(accDyX + off)));
      }
      for (; k < c; k++) {
        const off = (<usize>k) << 2;
        const gk = load<f32>(g + off);
        store<f32>(accDy + off, load<f32>(accDy + off) + gk);
        store<f32>(
          accDyX + off,
          load<f32>(accDyX + off) + gk * (load<f32>(v + off) - load<f32>(mean + off)),
        );
      }
    }
    flushChunk(scratch, c);
    flushChunk(second, c);
  }
  storeResult(scratch, c, sumDy, 1);
  storeResult(second, c, sumDyXmu, 1);
}

/** dx[r, k] = a[k]·dy[r, k] + d[k]·x[r, k] + e[k]: batch norm's input gradient with per-channel coefficients. */
export function batchNormGradInput(
  dy: usize,
  x: usize,
  dx: usize,
  rows: i32,
  c: i32,
  a: usize,
  d: usize,
  e: usize,
): void {
  const c4 = c & ~3;
  const rowBytes = (<usize>c) << 2;
  for (let r = 0; r < rows; r++) {
    const g = dy + <usize>r * rowBytes;
    const v = x + <usize>r * rowBytes;
    const out = dx + <usize>r * rowBytes;
    let k = 0;
    for (; k < c4; k += 4) {
      const off = (<usize>k) << 2;
      const t = f32x4.add(
        f32x4.mul(v128.load(a + off), v128.load(g + off)),
        f32x4.mul(v128.load(d + off), v128.load(v + off)),
      );
      v128.store(out + off, f32x4.add(t, v128.load(e + off)));
    }
    for (; k < c; k++) {
      const off = (<usize>k) << 2;
      store<f32>(
        out + off,
        load<f32>(a + off) * load<f32>(g + off) +
          load<f32>(d + off) * load<f32>(v + off) +
          load<f32>(e + off),
      );
    }
  }
}

/**
 * In place: y[r, k] = act(y[r, k] + bias[k]) with act 0 = identity, 1 = ReLU, 2 = ReLU6 (a fused
 * convolution's epilogue). Without a bias (hasBias 0) only the activation is applied.
 */
export function biasActivation(
  y: usize,
  bias: usize,
  hasBias: i32,
  rows: i32,
  c: i32,
  act: i32,
): void {
  const zero = f32x4.splat(0);
  const six = f32x4.splat(6);
  const c4 = c & ~3;
  const rowBytes = (<usize>c) << 2;
  for (let r = 0; r < rows; r++) {
    const row = y + <usize>r * rowBytes;
    let k = 0;
    for (; k < c4; k += 4) {
      const off = (<usize>k) << 2;
      let v = v128.load(row + off);
      if (hasBias) v = f32x4.add(v, v128.load(bias + off));
      if (act >= 1) v = f32x4.max(v, zero);
      if (act == 2) v = f32x4.min(v, six);
      v128.store(row + off, v);
    }
    for (; k < c; k++) {
      const off = (<usize>k) << 2;
      let v = load<f32>(row + off);
      if (hasBias) v += load<f32>(bias + off);
      if (act >= 1) v = max<f32>(v, 0);
      if (act == 2) v = min<f32>(v, 6);
      store<f32>(row + off, v);
    }
  }
}
