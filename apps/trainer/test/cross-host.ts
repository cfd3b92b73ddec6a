/**
 * The cross-host resume scenario both PostgreSQL test files run (plain processes, or in network
 * namespaces): a run trains on host A until the artifact store holds its epoch-2 checkpoint, host A's
 * daemon is killed with SIGKILL, and once the lease has expired host B resumes the run from the
 * stored checkpoint. Asserts what must hold afterwards.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createArtifactStore, type ArtifactStore, type PrismaClient } from '@convlab/db';
import { expect } from 'vitest';
import { TINY_RUN, waitFor, type Sandbox } from './harness.ts';

/** The epoch of the run's checkpoint in the artifact store (0 when there is none yet). */
export async function storedCheckpointEpoch(store: ArtifactStore, runId: string): Promise<number> {
  const bytes = await store.read(runId, 'checkpoint/state.json');
  return bytes ? (JSON.parse(Buffer.from(bytes).toString('utf8')) as { epoch: number }).epoch : 0;
}

export async function killOnHostAResumeOnHostB(
  hostA: Sandbox,
  hostB: Sandbox,
  db: PrismaClient,
): Promise<void> {
  const id = await hostA.queue([...TINY_RUN, '--epochs', '6']);
  const store = createArtifactStore(db);
  expect(store.kind).toBe('database');
  const epochs = async () =>
    (await db.epochMetric.findMany({ where: { runId: id }, orderBy: { epoch: 'asc' } })).map(
      (row) => row.epoch,
    );
  const lease = { CONVLAB_LEASE_MS: '2000' };
  const daemonA = hostA.startTrainer(['--concurrency', '1'], lease);
  await waitFor(
    async () => (await epochs()).length >= 2 && (await storedCheckpointEpoch(store, id)) >= 2,
    { what: 'the checkpoint of epoch 2 in the store' },
  );
  daemonA.child.kill('SIGKILL');
  await daemonA.exited;

  // Once the lease has expired, host B requeues the run, fetches the checkpoint and resumes.
  await new Promise((resolve) => setTimeout(resolve, 2500));
  const daemonB = hostB.startTrainer(['--once', '--concurrency', '1'], lease);
  expect((await daemonB.exited).code, daemonB.output()).toBe(0);
  expect(daemonB.output()).toContain('run.checkpoint_fetched');

  const run = await db.run.findUniqueOrThrow({ where: { id } });
  expect(run.status).toBe('completed');
  expect(run.attempts).toBe(2);
  expect(run.resumedFromEpoch).toBeGreaterThanOrEqual(2);
  expect(await epochs()).toEqual([1, 2, 3, 4, 5, 6]); // every epoch exactly once
  // Any host can serve the outputs; the finished run's checkpoint is pruned.
  const stored = (await store.list(id)).map((entry) => entry.path);
  expect(stored).toContain('model/model.json');
  expect(stored).toContain('report.json');
  expect(stored.filter((p) => p.startsWith('checkpoint/'))).toEqual([]);
  expect(existsSync(path.join(hostA.dir, 'runs', id, 'model'))).toBe(false); // A never finished it
}
