/**
 * The container images of deploy/Dockerfile, built and run for real with podman + runc (no Docker
 * engine or cluster runs here). No registry can be pulled from, so the base images are made here
 * (make-base-images.sh: debootstrap + this machine's Node 20) and passed as the build arguments.
 * Against a throwaway PostgreSQL on 127.0.0.1 (host network), the images do what a Kubernetes cluster
 * with KEDA would ask of them: migrate, train a queued run with `--once` and exit 0, leave at once on
 * an empty queue, hand a run back (checkpoint and all) on SIGTERM for the next container to finish,
 * serve the dashboard with a passing HEALTHCHECK, and train on a GPU's Vulkan driver mounted in
 * (here lavapipe, Mesa's software Vulkan) without spinning a core while idle.
 *
 * Runs as its own suite (`npm test` runs it last; `npm run test:containers` here). Without podman it
 * is skipped, except in CI (.ci/run installs podman, runc and debootstrap), where that is a failure.
 */
import { spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HEADLESS_CHROMIUM_FLAGS } from '@convlab/core/report';
import { createArtifactStore, type PrismaClient } from '@convlab/db';
import { startThrowawayPostgres, type RunningPostgres } from '@convlab/db/testing';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedCheckpointEpoch } from '../cross-host.ts';
import { createSandbox, TINY_RUN, waitFor, type Sandbox, type ShowJson } from '../harness.ts';
import { podman, podmanEnv, podmanOk, podmanUnavailable } from './podman.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../../../..');
const BASE = {
  slim: 'localhost/convlab-test/node:20-slim',
  build: 'localhost/convlab-test/node:20-build',
};
const IMAGE = {
  trainer: 'localhost/convlab-trainer:test',
  'trainer-gpu': 'localhost/convlab-trainer-gpu:test',
  web: 'localhost/convlab-web:test',
} as const;
type Target = keyof typeof IMAGE;
const MB = 1_000_000;
const CHROMIUM = process.env.CONVLAB_CHROMIUM ?? '/usr/bin/chromium';

const unavailable = podmanUnavailable();
if (unavailable && process.env.CI === 'true') {
  throw new Error(`the container test needs podman, runc and debootstrap in CI: ${unavailable}`);
}

/** Makes the base images unless they exist (a developer's second run skips the debootstrap). */
async function ensureBaseImages(): Promise<void> {
  const exists = await Promise.all(
    Object.values(BASE).map(async (image) => (await podman(['image', 'exists', image])).code === 0),
  );
  if (exists.every(Boolean)) return;
  await new Promise<void>((resolve, reject) => {
    const child = spawn('bash', [path.join(HERE, 'make-base-images.sh'), BASE.slim, BASE.build], {
      env: podmanEnv,
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`make-base-images.sh exited ${code}: ${stderr}`)),
    );
  });
}

async function build(target: Target): Promise<void> {
  // The host's npm cache spares the registry downloads on a second build (an ordinary cache mount).
  const npmCache = path.join(homedir(), '.npm');
  await podmanOk([
    'build',
    '--network',
    'host',
    '--format',
    'docker', // OCI images have no HEALTHCHECK
    ...(existsSync(npmCache) ? ['--volume', `${npmCache}:/root/.npm`] : []),
    '--file',
    path.join(REPO, 'deploy', 'Dockerfile'),
    '--target',
    target,
    '--build-arg',
    `NODE_IMAGE=${BASE.slim}`,
    '--build-arg',
    `NODE_BUILD_IMAGE=${BASE.build}`,
    '--tag',
    IMAGE[target],
    REPO,
  ]);
}

/** Runs a shell command in a fresh container of an image (its entry point bypassed); its stdout. */
async function shellIn(target: Target, script: string): Promise<string> {
  return (await podmanOk(['run', '--rm', '--entrypoint', 'sh', IMAGE[target], '-c', script]))
    .stdout;
}

/** The host files that hand lavapipe to a container as NVIDIA's toolkit hands in its driver: the ICD
 * file in /etc/vulkan/icd.d and the driver's libraries (those the image lacks) at their own paths. */
async function lavapipeMounts(): Promise<string[]> {
  const icd = '/usr/share/vulkan/icd.d/lvp_icd.json';
  const driver = '/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so';
  if (!existsSync(icd) || !existsSync(driver)) throw new Error('lavapipe is not installed here');
  const ldd = await new Promise<string>((resolve, reject) => {
    const child = spawn('ldd', [driver]);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error('ldd failed'))));
  });
  const needed = [driver, ...[...ldd.matchAll(/=> (\/\S+)/g)].map((m) => m[1] ?? '')];
  const inImage = new Set(
    (await shellIn('trainer-gpu', 'ls /usr/lib/x86_64-linux-gnu')).split('\n'),
  );
  const mounts = [`${icd}:/etc/vulkan/icd.d/lvp_icd.json:ro`];
  for (const library of needed) {
    const name = path.basename(library);
    if (inImage.has(name)) continue;
    // Mounted under the name ldd resolved, from the file at the end of the host's symlinks.
    mounts.push(`${realpathSync(library)}:/usr/lib/x86_64-linux-gnu/${name}:ro`);
  }
  return mounts.flatMap((mount) => ['--volume', mount]);
}

/** What Kubernetes does to a pod it drains: SIGTERM, then SIGKILL after a 60 s grace period. */
async function stopContainer(name: string): Promise<{ exitCode: string; logs: string }> {
  await podmanOk(['stop', '--time', '60', name]);
  const inspected = await podmanOk(['inspect', '--format', '{{.State.ExitCode}}', name]);
  return { exitCode: inspected.stdout.trim(), logs: (await podman(['logs', name])).stderr };
}

/** CPU seconds (user + system) the container's processes used over `ms`, read from /proc inside it. */
async function containerCpuSeconds(name: string, ms: number): Promise<number> {
  const snapshot = async () => {
    const { stdout } = await podmanOk(['exec', name, 'sh', '-c', 'cat /proc/[0-9]*/stat']);
    const ticks = new Map<string, number>();
    for (const line of stdout.split('\n')) {
      // pid (comm) state ... fields 14 and 15 (utime, stime) count after the ")" that ends comm.
      const match = /^(\d+) \(.*\) (.*)$/.exec(line);
      if (!match) continue;
      const fields = (match[2] ?? '').split(' ');
      ticks.set(match[1] ?? '', Number(fields[11]) + Number(fields[12]));
    }
    return ticks;
  };
  const before = await snapshot();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = await snapshot();
  let ticks = 0;
  for (const [pid, value] of after) {
    const start = before.get(pid);
    if (start !== undefined) ticks += value - start;
  }
  return ticks / 100; // USER_HZ
}

describe.skipIf(unavailable !== null)('container images (deploy/Dockerfile, podman)', () => {
  let server: RunningPostgres;
  let sandbox: Sandbox;
  let db: PrismaClient;
  const containers: string[] = [];
  const sizes: Partial<Record<Target, number>> = {};

  /** `podman run` arguments: an image on the host network, given the test database. */
  const runArgs = (target: Target, args: string[], options: string[]) => [
    '--network',
    'host',
    '--env',
    `DATABASE_URL=${server.url}`,
    ...options,
    IMAGE[target],
    ...args,
  ];

  /** Runs an image to its end (10 min at most); resolves with its exit code and output. */
  const runImage = (target: Target, args: string[], options: string[] = []) => {
    const name = `convlab-test-run-${process.pid}-${containers.length}`;
    containers.push(name); // removed in afterAll should a test give up on it
    return podman(['run', '--rm', '--name', name, ...runArgs(target, args, options)], {
      timeoutMs: 600_000,
    });
  };

  /** Starts a named container in the background and remembers it for clean-up. */
  const startContainer = async (
    target: Target,
    name: string,
    args: string[],
    options: string[] = [],
  ) => {
    containers.push(name);
    await podmanOk(['run', '--detach', '--name', name, ...runArgs(target, args, options)]);
  };

  const show = async (id: string) =>
    JSON.parse((await sandbox.cli(['show', id, '--json'])).stdout) as ShowJson;

  beforeAll(async () => {
    await ensureBaseImages();
    for (const target of Object.keys(IMAGE) as Target[]) {
      const started = Date.now();
      await build(target);
      const { stdout } = await podmanOk([
        'image',
        'inspect',
        '--format',
        '{{.Size}}',
        IMAGE[target],
      ]);
      sizes[target] = Number(stdout.trim());
      console.log(
        `${target}: built in ${((Date.now() - started) / 1000).toFixed(0)} s, ` +
          `${(Number(stdout.trim()) / MB).toFixed(0)} MB`,
      );
    }
    server = await startThrowawayPostgres();
    sandbox = createSandbox({ databaseUrl: server.url });
    db = sandbox.db();
    // The migration Job's command, in the trainer image.
    const migrated = await runImage('trainer', ['migrate']);
    expect(migrated.code, migrated.stdout + migrated.stderr).toBe(0);
    expect(migrated.stdout).toMatch(/applied \d+ migration/);
  }, 30 * 60_000);

  afterAll(async () => {
    for (const name of containers) await podman(['rm', '--force', '--time', '0', name]);
    await sandbox?.cleanup();
    server?.stop();
  });

  it('builds final stages that run as a non-root user, with no compiler, npm cache or dev dependencies', async () => {
    for (const target of Object.keys(IMAGE) as Target[]) {
      const { stdout: user } = await podmanOk([
        'image',
        'inspect',
        '--format',
        '{{.Config.User}}',
        IMAGE[target],
      ]);
      expect(user.trim(), target).toBe('10001');
      const probe = await shellIn(
        target,
        'id -u; for tool in cc gcc g++ c++ clang make python3 tsc; do command -v $tool; done; ' +
          'ls -d /root/.npm /app/node_modules/vitest /app/node_modules/typescript ' +
          '/app/node_modules/eslint /app/node_modules/prisma /app/node_modules/@tensorflow/tfjs-node 2>/dev/null; true',
      );
      expect(probe.trim(), target).toBe('10001');
    }
    // Both trainer images carry the SIMD kernels and the generated Prisma clients; only the GPU one
    // carries Dawn.
    for (const target of ['trainer', 'trainer-gpu'] as const) {
      const stdout = await shellIn(
        target,
        'ls /app/packages/core/simd/build /app/packages/db/src/generated; ' +
          'ls -d /app/node_modules/webgpu 2>/dev/null; true',
      );
      expect(stdout).toContain('kernels.wasm');
      expect(stdout).toContain('prisma-postgresql');
      expect(stdout.includes('/app/node_modules/webgpu')).toBe(target === 'trainer-gpu');
    }
    const { stdout: env } = await podmanOk([
      'image',
      'inspect',
      '--format',
      '{{range .Config.Env}}{{println .}}{{end}}',
      IMAGE['trainer-gpu'],
    ]);
    expect(env).toContain('NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics');
    // The goals: trainer ≤ 500 MB, web ≤ 400 MB (on this test's base image, Debian minbase + Node).
    expect(sizes.trainer).toBeLessThanOrEqual(500 * MB);
    expect(sizes.web).toBeLessThanOrEqual(400 * MB);
  });

  it('trains a queued run with `trainer --once` and exits 0; on an empty queue it leaves at once with 0', async () => {
    const id = await sandbox.queueTinyRun({ epochs: 2, trainLimit: 400 });
    // The ScaledJob's command line.
    const trained = await runImage('trainer', [
      'trainer',
      '--once',
      '--max-runs',
      '1',
      '--concurrency',
      '1',
      '--json-logs',
    ]);
    expect(trained.code, trained.stdout + trained.stderr).toBe(0);
    const shown = await show(id);
    expect(shown.status).toBe('completed');
    expect(shown.backend).toBe('wasm');
    expect(shown.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(shown.report?.testAcc).toBeGreaterThan(0.3); // 10 classes: chance is 0.1
    // With PostgreSQL the container keeps nothing: the model and report are in the database.
    const stored = (await createArtifactStore(db).list(id)).map((entry) => entry.path);
    expect(stored).toEqual(expect.arrayContaining(['model/model.json', 'report.json']));

    // An extra pod that finds nothing leaves.
    const started = Date.now();
    const empty = await runImage('trainer', ['trainer', '--once', '--max-runs', '1']);
    expect(empty.code, empty.stdout + empty.stderr).toBe(0);
    const seconds = (Date.now() - started) / 1000;
    console.log(`trainer --once on an empty queue: exit 0 after ${seconds.toFixed(1)} s`);
    expect(seconds).toBeLessThan(30);
  });

  it('hands a run back with its checkpoint on SIGTERM, and a new container finishes it', async () => {
    const id = await sandbox.queue([...TINY_RUN, '--epochs', '6']);
    const store = createArtifactStore(db);
    const name = `convlab-test-sigterm-${process.pid}`;
    await startContainer('trainer', name, ['trainer', '--once', '--concurrency', '1']);
    await waitFor(async () => (await storedCheckpointEpoch(store, id)) >= 2, {
      what: 'the checkpoint of epoch 2 in the database',
      timeoutMs: 180_000,
    });
    const stopped = await stopContainer(name);
    expect(stopped.exitCode, stopped.logs).toBe('0');
    const handedBack = await db.run.findUniqueOrThrow({ where: { id } });
    expect(handedBack.status).toBe('queued');
    const checkpointEpoch = await storedCheckpointEpoch(store, id);
    expect(checkpointEpoch).toBeGreaterThanOrEqual(2);

    const finished = await runImage('trainer', ['trainer', '--once', '--concurrency', '1']);
    expect(finished.code, finished.stdout + finished.stderr).toBe(0);
    const run = await db.run.findUniqueOrThrow({ where: { id } });
    expect(run.status).toBe('completed');
    expect(run.resumedFromEpoch).toBeGreaterThanOrEqual(checkpointEpoch);
    const epochs = await db.epochMetric.findMany({
      where: { runId: id },
      orderBy: { epoch: 'asc' },
    });
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6]); // every epoch exactly once
  });

  it('serves the leaderboard with the trained runs, and its HEALTHCHECK passes', async () => {
    const [run] = await db.run.findMany({ where: { status: 'completed' }, take: 1 });
    expect(run).toBeDefined();
    const port = 3900 + (process.pid % 90);
    const token = 'container-test-token';
    const name = `convlab-test-web-${process.pid}`;
    await startContainer(
      'web',
      name,
      [],
      [
        '--env',
        `PORT=${port}`,
        '--env',
        `CONVLAB_TOKEN=${token}`,
        '--env',
        'CONVLAB_PUBLIC_READS=1',
      ],
    );
    const base = `http://127.0.0.1:${port}`;
    await waitFor(
      async () => {
        try {
          return (await fetch(`${base}/api/health`)).ok;
        } catch {
          return false;
        }
      },
      { what: 'the dashboard to answer /api/health', timeoutMs: 90_000, intervalMs: 500 },
    ).catch(async (error: unknown) => {
      throw new Error(`${String(error)}\n${(await podman(['logs', name])).stderr.slice(-3000)}`);
    });
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    // The leaderboard as a browser shows it (its rows are fetched by the page): the run is a row.
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...HEADLESS_CHROMIUM_FLAGS],
    });
    try {
      const tab = await browser.newPage();
      await tab.goto(`${base}/`);
      await tab.locator(`a[href="/runs/${run?.id}"]`).first().waitFor({ timeout: 30_000 });
      expect(await tab.content()).toContain(run?.id);
    } finally {
      await browser.close();
    }

    const health = await podman(['healthcheck', 'run', name]);
    expect(health.code, health.stdout + health.stderr).toBe(0);
  });

  it('trains on webgpu with a Vulkan driver mounted in, and an idle GPU trainer stays idle', async () => {
    const id = await sandbox.queue([...TINY_RUN, '--epochs', '1']);
    const name = `convlab-test-gpu-${process.pid}`;
    // A long-lived trainer (no --once), so it can be watched idle after its run.
    await startContainer(
      'trainer-gpu',
      name,
      ['trainer', '--concurrency', '1'],
      [...(await lavapipeMounts()), '--env', 'CONVLAB_BACKEND=webgpu'],
    );
    await waitFor(
      async () => {
        const { status } = await show(id);
        if (status === 'failed' || status === 'cancelled') throw new Error(`the run ${status}`);
        return status === 'completed';
      },
      {
        what: 'the run on webgpu',
        timeoutMs: 300_000,
        intervalMs: 1000,
      },
    ).catch(async (error: unknown) => {
      throw new Error(`${String(error)}\n${(await podman(['logs', name])).stderr.slice(-3000)}`);
    });
    const shown = (await show(id)) as ShowJson & { backend: string; backendDevice: string | null };
    expect(shown.backend).toBe('webgpu');
    expect(shown.backendDevice).toMatch(/llvmpipe|lavapipe/i);

    await new Promise((resolve) => setTimeout(resolve, 2000));
    const cpu = await containerCpuSeconds(name, 10_000);
    console.log(`idle trainer-gpu (webgpu on lavapipe): ${cpu.toFixed(2)} s of CPU over 10 s`);
    expect(cpu).toBeLessThan(0.5);

    const stopped = await stopContainer(name);
    expect(stopped.exitCode, stopped.logs).toBe('0');
  });
});
