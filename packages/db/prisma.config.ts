/**
 * Configuration for the Prisma CLI (Prisma 7 keeps connection URLs out of schema.prisma). convlab
 * itself never needs the CLI's engine: `npm run db:generate` only generates the client, and
 * migrations are created, checked and applied by packages/db's own scripts and runner. This file is
 * for a machine that does have the schema-engine binary, e.g. to run `npx prisma migrate status` or
 * `npx prisma migrate deploy` from packages/db against DATABASE_URL.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'prisma/config';

const packageDir = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  schema: path.join(packageDir, 'prisma', 'schema.prisma'),
  migrations: { path: path.join(packageDir, 'prisma', 'migrations') },
  datasource: {
    // Same default as resolveDatabaseUrl(): <repo root>/data/convlab.db. Use an absolute file: URL
    // in DATABASE_URL (convlab resolves relative ones against the repo root; the CLI would not).
    url:
      process.env.DATABASE_URL ??
      `file:${path.resolve(packageDir, '..', '..', 'data', 'convlab.db')}`,
  },
});
