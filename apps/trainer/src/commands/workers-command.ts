import { parseArgs } from 'node:util';
import { listWorkers } from '@convlab/db';
import { withDatabase } from '../database.ts';
import { formatTable, printable } from '../text-table.ts';

export async function workersCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: { json: { type: 'boolean', default: false } },
  });
  const workers = await withDatabase((db) => listWorkers(db, { aliveWithinMs: 60_000 }));
  if (values.json) {
    console.log(JSON.stringify(workers));
    return 0;
  }
  if (workers.length === 0) {
    console.log('No trainer is running: start one with `npx convlab trainer`.');
    return 0;
  }
  const now = Date.now();
  console.log(
    formatTable(
      ['ID', 'HOST', 'PID', 'BACKEND', 'CONCURRENCY', 'LAST SEEN'],
      workers.map((w) => [
        w.id,
        w.host,
        String(w.pid),
        w.backendDevice ? `${w.backend} (${printable(w.backendDevice)})` : w.backend,
        String(w.concurrency),
        `${Math.round((now - w.lastSeenAt.getTime()) / 1000)}s ago`,
      ]),
    ),
  );
  return 0;
}
