/**
 * Fast gradient kernels for the tfjs wasm backend (owned by the performance work, issue 6).
 * `registerFastWasmKernels` is called once after the wasm backend is ready; it returns the names of the
 * kernels it registered so the trainer can report them.
 */
export function registerFastWasmKernels(): string[] {
  return [];
}
