/** The environment variables the bench reads, in one place. */
import { z } from 'zod';

const benchEnvSchema = z.object({
  /** 1: skip the full CIFAR-10 epoch case (minutes long). */
  BENCH_SKIP_EPOCH: z.string().optional(),
  /** A Python with torch for the PyTorch twins (else python3 on PATH, then /usr/bin/python3). */
  BENCH_PYTHON: z.string().optional(),
  /** Set on some processors here; recorded in the machine line, removed for PyTorch's command. */
  OPENBLAS_CORETYPE: z.string().optional(),
  OPENBLAS_L2_SIZE: z.string().optional(),
});

export function benchEnv(env: NodeJS.ProcessEnv = process.env): z.infer<typeof benchEnvSchema> {
  return benchEnvSchema.parse({
    BENCH_SKIP_EPOCH: env.BENCH_SKIP_EPOCH,
    BENCH_PYTHON: env.BENCH_PYTHON,
    OPENBLAS_CORETYPE: env.OPENBLAS_CORETYPE,
    OPENBLAS_L2_SIZE: env.OPENBLAS_L2_SIZE,
  });
}

/** The environment of a case's child process: this one, with TensorFlow's C++ logs quiet. */
export function caseProcessEnv(): NodeJS.ProcessEnv {
  return { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' };
}

/**
 * The environment of the PyTorch command: this one without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, which
 * make OpenBLAS use an older, slower kernel.
 */
export function pytorchProcessEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

/** Points this (case) process's run folders at a scratch folder, for cases that store runs. */
export function useRunsDir(dir: string): void {
  process.env.CONVLAB_RUNS_DIR = dir;
}
