// Element-wise gradients of max pooling, ReLU and clipping.

/**
 * MaxPoolGrad of a 2×2, stride-2, unpadded pool: each window routes dy to its first maximum (row-major
 * order, as tfjs's cpu backend does). dx [n, h, w, c]; dy [n, oh, ow, c]. A window holding a NaN
 * routes nothing. Rows or columns no window covers (odd h or w) are zero.
 */
export function maxPool2x2Grad(
  x: usize,
  dy: usize,
  dx: usize,
  n: i32,
  h: i32,
  w: i32,
  c: i32,
  oh: i32,
  ow: i32,
): void {
  if (oh * 2 != h || ow * 2 != w)
    memory.fill(dx, 0, (<usize>n * <usize>h * <usize>w * <usize>c) << 2);
  const pixel = (<usize>c) << 2;
  const row = <usize>w * pixel;
  const c4 = c & ~3;
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < oh; r++) {
      for (let q = 0; q < ow; q++) {
        const p00 = (<usize>(b * h + 2 * r) * <usize>w + <usize>(2 * q)) * pixel;
        const p01 = p00 + pixel;
        const p10 = p00 + row;
        const p11 = p10 + pixel;
        const g = dy + (<usize>(b * oh + r) * <usize>ow + <usize>q) * pixel;
        let k = 0;
        for (; k < c4; k += 4) {
          const off = (<usize>k) << 2;
          const v00 = v128.load(x + p00 + off);
          const v01 = v128.load(x + p01 + off);
          const v10 = v128.load(x + p10 + off);
          const v11 = v128.load(x + p11 + off);
          const m = f32x4.max(f32x4.max(v00, v01), f32x4.max(v10, v11));
          const s0 = f32x4.eq(v00, m);
          const s1 = v128.andnot(f32x4.eq(v01, m), s0);
          let taken = v128.or(s0, s1);
          const s2 = v128.andnot(f32x4.eq(v10, m), taken);
          taken = v128.or(taken, s2);
          const s3 = v128.andnot(f32x4.eq(v11, m), taken);
          const gk = v128.load(g + off);
          v128.store(dx + p00 + off, v128.and(gk, s0));
          v128.store(dx + p01 + off, v128.and(gk, s1));
          v128.store(dx + p10 + off, v128.and(gk, s2));
          v128.store(dx + p11 + off, v128.and(gk, s3));
        }
        for (; k < c; k++) {
          const off = (<usize>k) << 2;
          const v00 = load<f32>(x + p00 + off);
          const v01 = load<f32>(x + p01 + off);
          const v10 = load<f32>(x + p10 + off);
          const v11 = load<f32>(x + p11 + off);
          const m = max(max(v00, v01), max(v10, v11));
          const gk = load<f32>(g + off);
          const t0 = v00 == m;
          const t1 = !t0 && v01 == m;
          const t2 = !t0 && !t1 && v10 == m;
          const t3 = !t0 && !t1 && !t2 && v11 == m;
          store<f32>(dx + p00 + off, t0 ? gk : 0);
          store<f32>(dx + p01 + off, t1 ? gk : 0);
          store<f32>(dx + p10 + off, t2 ? gk : 0);
          store<f32>(dx + p11 + off, t3 ? gk : 0);
        }
      }
    }
  }
}

/** dx = x > 0 ? dy : 0, ReLU's gradient from its input, over `count` floats. */
export function reluGrad(dy: usize, x: usize, dx: usize, count: i32): void {
  const zero = f32x4.splat(0);
  const count4 = count & ~3;
  let i = 0;
  for (; i < count4; i += 4) {
    const off = (<usize>i) << 2;
    v128.store(dx + off, v128.and(v128.load(dy + off), f32x4.gt(v128.load(x + off), zero)));
  }
  for (; i < count; i++) {
    const off = (<usize>i) << 2;
    store<f32>(dx + off, load<f32>(x + off) > 0 ? load<f32>(dy + off) : 0);
  }
}

/** dx = lo ≤ x ≤ hi ? dy : 0, clipByValue's gradient (ReLU6 is a clip to [0, 6]), over `count` floats. */
export function clipGrad(dy: usize, x: usize, dx: usize, count: i32, lo: f32, hi: f32): void {
  const low = f32x4.splat(lo);
  const high = f32x4.splat(hi);
  const count4 = count & ~3;
  let i = 0;
  for (; i < count4; i += 4) {
    const off = (<usize>i) << 2;
    const v = v128.load(x + off);
    const inside = v128.and(f32x4.ge(v, low), f32x4.le(v, high));
    v128.store(dx + off, v128.and(v128.load(dy + off), inside));
  }
  for (; i < count; i++) {
    const off = (<usize>i) << 2;
    const v = load<f32>(x + off);
    store<f32>(dx + off, v >= lo && v <= hi ? load<f32>(dy + off) : 0);
  }
}
