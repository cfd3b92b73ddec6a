// The fast-kernel suite on the plain build of convlab's SIMD kernels.
import { defineFastKernelTests } from './fast-kernels.suite.ts';

defineFastKernelTests('plain');
