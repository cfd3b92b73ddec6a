/**
 * The environment variables @convlab/core itself reads, in one place. Each call reads the current
 * environment (tests and the CLI set variables before they call in); apps validate their own settings
 * in their env.ts and pass them down as arguments.
 */
import { tmpdir } from 'node:os';
import { z } from 'zod';

const coreEnvSchema = z.object({
  /** Root of convlab's mutable data: database, datasets, run artifacts (default <repo>/data). */
  CONVLAB_HOME: z.string().optional(),
  /** Downloaded and rebuilt datasets (default <CONVLAB_HOME>/datasets). */
  CONVLAB_DATA_DIR: z.string().optional(),
  /** Per-run folders (default <CONVLAB_HOME>/runs). */
  CONVLAB_RUNS_DIR: z.string().optional(),
  /** Read-only assets such as pretrained weights (default <repo>/../shared/assets). */
  CONVLAB_ASSETS_DIR: z.string().optional(),
  /** Forces a backend over the caller's preference (checked by initBackend with its own message). */
  CONVLAB_BACKEND: z.string().optional(),
  /** Where MobileNetV2 weights load from when a run names none. */
  CONVLAB_MOBILENET_URL: z.string().optional(),
  /** A JSON file of mirrors and md5s for MNIST / Fashion-MNIST (data/dataset-sources.ts). */
  CONVLAB_DATASET_SOURCES: z.string().optional(),
});
export type CoreEnv = z.infer<typeof coreEnvSchema>;

export function coreEnv(env: NodeJS.ProcessEnv = process.env): CoreEnv {
  return coreEnvSchema.parse({
    CONVLAB_HOME: env.CONVLAB_HOME,
    CONVLAB_DATA_DIR: env.CONVLAB_DATA_DIR,
    CONVLAB_RUNS_DIR: env.CONVLAB_RUNS_DIR,
    CONVLAB_ASSETS_DIR: env.CONVLAB_ASSETS_DIR,
    CONVLAB_BACKEND: env.CONVLAB_BACKEND,
    CONVLAB_MOBILENET_URL: env.CONVLAB_MOBILENET_URL,
    CONVLAB_DATASET_SOURCES: env.CONVLAB_DATASET_SOURCES,
  });
}

/** Dawn (the webgpu backend) complains at every start without XDG_RUNTIME_DIR; a temp dir is enough. */
export function ensureXdgRuntimeDir(env: NodeJS.ProcessEnv = process.env): void {
  env.XDG_RUNTIME_DIR ??= tmpdir();
}
