// The fast-kernel suite on the relaxed build of convlab's SIMD kernels.
import { defineFastKernelTests } from './fast-kernels.suite.ts';

defineFastKernelTests('relaxed');
