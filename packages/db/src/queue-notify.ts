/**
 * PostgreSQL's LISTEN/NOTIFY as a wake-up for idle daemons: whoever puts a run in the queue notifies,
 * and a daemon listening claims at once instead of at its next poll. Polling stays the safety net
 * (a missed notification, a dropped connection) and is all SQLite has.
 */
import pg from 'pg';
import { providerOf } from './client.ts';
import { isPostgresUrl } from './database-url.ts';
import type { PrismaClient } from './generated/prisma/client.ts';

export const RUN_QUEUED_CHANNEL = 'convlab_run_queued';

/** Tells listening daemons a run was queued (PostgreSQL only; best effort: polling covers a miss). */
export async function notifyRunQueued(db: PrismaClient): Promise<void> {
  if (providerOf(db) !== 'postgresql') return;
  try {
    await db.$queryRaw`SELECT pg_notify(${RUN_QUEUED_CHANNEL}, '')`;
  } catch {
    // The queue write itself succeeded; an idle daemon finds the run at its next poll.
  }
}

export interface QueueListener {
  close(): Promise<void>;
}

/**
 * Calls `onQueued` whenever a run is queued, over a connection of its own; null on SQLite. `onLost`
 * is called once if the connection drops (the caller may listen again later).
 */
export async function listenForQueuedRuns(
  url: string,
  onQueued: () => void,
  onLost: (error: Error) => void,
): Promise<QueueListener | null> {
  if (!isPostgresUrl(url)) return null;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  let lost = false;
  const lose = (error: Error) => {
    if (lost) return;
    lost = true;
    onLost(error);
  };
  client.on('error', lose);
  client.on('end', () => lose(new Error('the listening connection closed')));
  client.on('notification', (message) => {
    if (message.channel === RUN_QUEUED_CHANNEL) onQueued();
  });
  try {
    await client.connect();
    await client.query(`LISTEN ${RUN_QUEUED_CHANNEL}`);
  } catch (error) {
    lost = true;
    await client.end().catch(() => undefined);
    throw error;
  }
  return {
    async close() {
      lost = true;
      await client.end().catch(() => undefined);
    },
  };
}
