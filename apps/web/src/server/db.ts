/**
 * The dashboard's one Prisma client. The database is migrated before first use so `next start` works
 * on a fresh machine; the client is kept on globalThis so dev-mode reloads don't open new connections.
 */
import { applyMigrations, createDb, resolveDatabaseUrl, type PrismaClient } from '@convlab/db';

const holder = globalThis as typeof globalThis & { convlabDb?: Promise<PrismaClient> };

export function getDb(): Promise<PrismaClient> {
  holder.convlabDb ??= (async () => {
    const url = resolveDatabaseUrl();
    await applyMigrations(url);
    return createDb({ url });
  })().catch((error: unknown) => {
    // Let the next request try again (e.g. after the user fixed DATABASE_URL's folder permissions).
    holder.convlabDb = undefined;
    throw error;
  });
  return holder.convlabDb;
}
