/** Opens the queue database for CLI commands, migrating it first so a fresh machine needs no set-up. */
import { applyMigrations, createDb, resolveDatabaseUrl, type PrismaClient } from '@convlab/db';

async function openDatabase(): Promise<PrismaClient> {
  const url = resolveDatabaseUrl();
  await applyMigrations(url);
  return createDb({ url });
}

/** Runs `action` with an open database and always disconnects. */
export async function withDatabase<T>(action: (db: PrismaClient) => Promise<T>): Promise<T> {
  const db = await openDatabase();
  try {
    return await action(db);
  } finally {
    await db.$disconnect();
  }
}
