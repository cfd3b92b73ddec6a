import { claimNextRun, enqueueRun, registerWorker } from '@convlab/db';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './harness.ts';

let t: TestDatabase;
beforeEach(async () => {
  t = await createTestDatabase();
});
afterEach(async () => {
  await t.cleanup();
});

describe('workers.list', () => {
  it('lists live trainers with their runs, and lost ones apart with the runs still theirs', async () => {
    const worker = (id: string, host: string) =>
      registerWorker(t.db, { id, host, pid: 42, backend: 'wasm', concurrency: 1, version: 'test' });
    await worker('live', 'host-a');
    await worker('gone', 'host-b');
    const run = await enqueueRun(t.db, { config: { preset: 'tiny-cnn' }, name: 'lost run' });
    await claimNextRun(t.db, { workerId: 'gone', leaseMs: 60_000 });
    // host-b stopped heartbeating two minutes ago.
    await t.db.worker.update({
      where: { id: 'gone' },
      data: { lastSeenAt: new Date(Date.now() - 120_000) },
    });

    const listed = await t.caller().workers.list();
    expect(listed.workers.map((w) => [w.id, w.host, w.runs.length])).toEqual([
      ['live', 'host-a', 0],
    ]);
    expect(listed.lost.map((w) => [w.id, w.host, w.backend, w.concurrency])).toEqual([
      ['gone', 'host-b', 'wasm', 1],
    ]);
    expect(listed.lost[0]?.runs.map((r) => [r.id, r.name])).toEqual([[run.id, 'lost run']]);
  });
});
