// Fused optimizer updates: one pass over a variable instead of tfjs's chain of element-wise kernels. The
// arithmetic is tfjs's, in the same order and in float32, so results are bit-identical to the stock path.

/**
 * Adam (tfjs's AdamOptimizer.applyGradients): m' = m·β1 + g·(1−β1); v' = v·β2 + g²·(1−β2);
 * w' = (m'/(1−β1ᵗ)) / (√(v'/(1−β2ᵗ)) + ε) · (−lr) + w. Writes w', m', v' to their own buffers.
 */
export function adamUpdate(
  w: usize,
  m: usize,
  v: usize,
  g: usize,
  wOut: usize,
  mOut: usize,
  vOut: usize,
  count: i32,
  beta1: f32,
  oneMinusBeta1: f32,
  beta2: f32,
  oneMinusBeta2: f32,
  oneMinusAccBeta1: f32,
  oneMinusAccBeta2: f32,
  epsilon: f32,
  negLearningRate: f32,
): void {
  const b1 = f32x4.splat(beta1);
  const c1 = f32x4.splat(oneMinusBeta1);
  const b2 = f32x4.splat(beta2);
  const c2 = f32x4.splat(oneMinusBeta2);
  const a1 = f32x4.splat(oneMinusAccBeta1);
  const a2 = f32x4.splat(oneMinusAccBeta2);
  const eps = f32x4.splat(epsilon);
  const lr = f32x4.splat(negLearningRate);
  const count4 = count & ~3;
  let i = 0;
  for (; i < count4; i += 4) {
    const off = (<usize>i) << 2;
    const gi = v128.load(g + off);
    const mi = f32x4.add(f32x4.mul(v128.load(m + off), b1), f32x4.mul(gi, c1));
    const vi = f32x4.add(f32x4.mul(v128.load(v + off), b2), f32x4.mul(f32x4.mul(gi, gi), c2));
    v128.store(mOut + off, mi);
    v128.store(vOut + off, vi);
    const step = f32x4.div(f32x4.div(mi, a1), f32x4.add(f32x4.sqrt(f32x4.div(vi, a2)), eps));
    v128.store(wOut + off, f32x4.add(f32x4.mul(step, lr), v128.load(w + off)));
  }
  for (; i < count; i++) {
    const off = (<usize>i) << 2;
    const gi = load<f32>(g + off);
    const mi = load<f32>(m + off) * beta1 + gi * oneMinusBeta1;
    const vi = load<f32>(v + off) * beta2 + gi * gi * oneMinusBeta2;
    store<f32>(mOut + off, mi);
    store<f32>(vOut + off, vi);
    const step = mi / oneMinusAccBeta1 / (sqrt<f32>(vi / oneMinusAccBeta2) + epsilon);
    store<f32>(wOut + off, step * negLearningRate + load<f32>(w + off));
  }
}
