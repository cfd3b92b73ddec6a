// Real OS processes against one database: the claim is atomic (SQLite and PostgreSQL), and on SQLite
// WAL keeps readers and the writer out of each other's way.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimNextRun, createDb, enqueueRun, newRunId } from '../src/index.ts';
import {
  createTempDatabase,
  createWorker,
  FIXTURES_DIR,
  lastJsonLine,
  runTogether,
  TEST_PROVIDERS,
  type TempDatabase,
} from './helpers.ts';

let temp: TempDatabase;
afterEach(async () => {
  await temp.cleanup();
});

// On PostgreSQL the claim is one UPDATE … FOR UPDATE SKIP LOCKED statement; the same test body.
describe.each(TEST_PROVIDERS)('two processes claiming from one queue on %s', (provider) => {
  beforeEach(async () => {
    temp = await createTempDatabase(provider);
  });

  it('never claim the same run twice and together drain the queue', async () => {
    const total = 1000;
    // One bulk insert (enqueueRun itself is covered in queue.test.ts); ids and times increase.
    const template = await enqueueRun(temp.db, { config: { preset: 'tiny-cnn' } });
    await temp.db.run.delete({ where: { id: template.id } });
    const { id: _id, createdAt: _createdAt, ...fields } = template;
    const start = Date.now();
    const queued = Array.from({ length: total }, (_, i) => ({
      ...fields,
      id: newRunId(),
      priority: i % 3,
      createdAt: new Date(start + i),
    }));
    await temp.db.run.createMany({ data: queued });
    const ids = new Set(queued.map((row) => row.id));
    const script = path.join(FIXTURES_DIR, 'claim-all.ts');
    const [a, b] = await runTogether(path.join(temp.dir, 'go'), [
      { script, args: [temp.url, 'worker-a'] },
      { script, args: [temp.url, 'worker-b'] },
    ]);
    if (!a || !b) throw new Error('missing process result');
    const claimedA = lastJsonLine<string[]>(a);
    const claimedB = lastJsonLine<string[]>(b);
    const all = [...claimedA, ...claimedB];

    expect(new Set(all).size).toBe(all.length); // no run claimed twice
    expect(new Set(all)).toEqual(ids); // every run claimed
    expect(claimedA.length).toBeGreaterThan(0);
    expect(claimedB.length).toBeGreaterThan(0);

    const rows = await temp.db.run.findMany({
      select: { id: true, status: true, workerId: true, attempts: true },
    });
    const owner = new Map<string, string>([
      ...claimedA.map((id): [string, string] => [id, 'worker-a']),
      ...claimedB.map((id): [string, string] => [id, 'worker-b']),
    ]);
    for (const row of rows) {
      expect(row.status).toBe('running');
      expect(row.attempts).toBe(1);
      expect(row.workerId).toBe(owner.get(row.id));
    }
    await expect(
      claimNextRun(temp.db, { workerId: await createWorker(temp.db), leaseMs: 1000 }),
    ).resolves.toBeNull();
  });
});

describe('a metrics writer and a polling reader in separate processes', () => {
  beforeEach(async () => {
    temp = await createTempDatabase();
  });

  it('the writer at ~50 rows/s never hits SQLITE_BUSY while the reader polls', async () => {
    const run = await enqueueRun(temp.db, { config: { preset: 'tiny-cnn' } });
    await claimNextRun(temp.db, { workerId: await createWorker(temp.db), leaseMs: 60_000 });
    const count = 150; // ~3 s at 50 rows/s
    const [writer, reader] = await runTogether(path.join(temp.dir, 'go'), [
      {
        script: path.join(FIXTURES_DIR, 'write-epochs.ts'),
        args: [temp.url, run.id, String(count), '50'],
      },
      {
        script: path.join(FIXTURES_DIR, 'poll-reads.ts'),
        args: [temp.url, run.id, String((count / 50) * 1000)],
      },
    ]);
    if (!writer || !reader) throw new Error('missing process result');
    const written = lastJsonLine<{ written: number; errors: string[] }>(writer);
    const read = lastJsonLine<{ reads: number; maxEpochsSeen: number; errors: string[] }>(reader);

    expect(written.errors).toEqual([]);
    expect(written.written).toBe(count);
    expect(read.errors).toEqual([]);
    expect(read.reads).toBeGreaterThan(10);
    expect(read.maxEpochsSeen).toBeGreaterThan(0);

    const check = createDb({ url: temp.url });
    try {
      expect(await check.epochMetric.count({ where: { runId: run.id } })).toBe(count);
      const stored = await check.run.findUniqueOrThrow({ where: { id: run.id } });
      expect(stored.currentEpoch).toBe(count);
      expect(stored.bestEpoch).toBe(count);
    } finally {
      await check.$disconnect();
    }
  });
});
