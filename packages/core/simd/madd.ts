// c + a·b, four lanes. This is the plain build's version (separately rounded multiply and add, exact
// WebAssembly SIMD semantics); the build swaps in f32x4.relaxed_madd for build/kernels-relaxed.wasm,
// which runs as one fused multiply-add where the engine has relaxed SIMD (20–35% faster products).
// Binaryen inlines it.
export function madd(a: v128, b: v128, c: v128): v128 {
  return f32x4.add(c, f32x4.mul(a, b));
}
