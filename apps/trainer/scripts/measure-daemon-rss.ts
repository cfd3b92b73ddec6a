/**
 * Measures the trainer daemon's resident memory across consecutive runs: queues N tiny runs on a
 * throwaway database, starts `convlab trainer --concurrency 1`, and samples the daemon's RSS
 * (/proc/<pid>/status) after the first and the last run complete. Prints one JSON line.
 *
 *   npx tsx apps/trainer/scripts/measure-daemon-rss.ts [runs=20]
 */
import { readFileSync } from 'node:fs';
import { countRunsByStatus } from '@convlab/db';
import { createSandbox, waitFor } from '../test/harness.ts';

const runs = Number(process.argv[2] ?? 20);
const sandbox = createSandbox();

function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match?.[1]) throw new Error('cannot read VmRSS');
  return Number(match[1]) / 1024;
}

try {
  for (let i = 0; i < runs; i++) {
    await sandbox.queue([
      '--preset',
      'tiny-cnn',
      '--dataset',
      'synthetic',
      '--epochs',
      '1',
      '--train-limit',
      '200',
      '--test-limit',
      '100',
      '--seed',
      String(i),
    ]);
  }
  const db = sandbox.db();
  const trainer = sandbox.startTrainer(['--concurrency', '1']);
  const pid = trainer.child.pid;
  if (pid === undefined) throw new Error('trainer did not start');
  const completed = async () => (await countRunsByStatus(db)).completed;
  await waitFor(async () => (await completed()) >= 1, {
    timeoutMs: 300_000,
    intervalMs: 50,
    what: 'first run',
  });
  const afterFirst = rssMiB(pid);
  await waitFor(async () => (await completed()) >= runs, { timeoutMs: 900_000, what: 'all runs' });
  const afterLast = rssMiB(pid);
  trainer.child.kill('SIGTERM');
  await trainer.exited;
  console.log(
    JSON.stringify({
      case: 'daemon-rss',
      runs,
      rssAfterFirstRunMiB: Number(afterFirst.toFixed(1)),
      rssAfterLastRunMiB: Number(afterLast.toFixed(1)),
      growthMiB: Number((afterLast - afterFirst).toFixed(1)),
    }),
  );
} finally {
  await sandbox.cleanup();
}
