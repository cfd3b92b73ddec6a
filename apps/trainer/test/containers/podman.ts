/**
 * podman for the container test: every call runs with runc (this machine has no crun) and a
 * containers.conf that sets no ulimits (the defaults cannot be raised in this sandbox).
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface PodmanResult {
  code: number;
  stdout: string;
  stderr: string;
}

const confDir = mkdtempSync(path.join(tmpdir(), 'convlab-podman-'));
const conf = path.join(confDir, 'containers.conf');
writeFileSync(conf, '[containers]\ndefault_ulimits = []\n');
process.once('exit', () => rmSync(confDir, { recursive: true, force: true }));
const env = { ...process.env, CONTAINERS_CONF: conf };

/** Why podman cannot be used here, or null when it can. */
export function podmanUnavailable(): string | null {
  const version = spawnSync('podman', ['--version'], { env, encoding: 'utf8' });
  if (version.error || version.status !== 0) return 'podman is not installed';
  for (const tool of ['runc', 'debootstrap']) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
    if (found.status !== 0) return `${tool} is not installed`;
  }
  return null;
}

/** `podman --runtime runc <args>`; never throws, resolves with the exit code and output. */
export function podman(
  args: string[],
  options: { timeoutMs?: number } = {},
): Promise<PodmanResult> {
  return new Promise((resolve) => {
    execFile(
      'podman',
      ['--runtime', 'runc', ...args],
      { env, maxBuffer: 256 * 1024 * 1024, timeout: options.timeoutMs ?? 0 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Like podman(), but throws with the command's output when it fails. */
export async function podmanOk(args: string[], options: { timeoutMs?: number } = {}) {
  const result = await podman(args, options);
  if (result.code !== 0) {
    throw new Error(
      `podman ${args.join(' ')} exited ${result.code}:\n${(result.stdout + result.stderr).slice(-4000)}`,
    );
  }
  return result;
}

/** The environment that podman commands started by the test itself (the base-image script) need. */
export const podmanEnv = env;
