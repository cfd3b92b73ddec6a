/**
 * Where the database lives. The web app and the trainer start from different folders, so a relative
 * `file:` URL is resolved against the repository root (not the working directory, and not the
 * schema's folder as Prisma's CLI would), giving every process the same absolute file.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { dataRoot, findRepoRoot } from '@convlab/core/paths';
import { databaseUrlFromEnv } from './env.ts';

export const DATABASE_FILE_NAME = 'convlab.db';

/**
 * The database URL to use: `url`, else env DATABASE_URL, else `file:<repo root>/data/convlab.db`
 * (`<CONVLAB_HOME>/convlab.db` when CONVLAB_HOME is set). `file:` URLs come back absolute; other
 * URLs (e.g. postgresql://) are returned unchanged.
 */
export function resolveDatabaseUrl(url: string | undefined = databaseUrlFromEnv()): string {
  const trimmed = url?.trim();
  if (!trimmed) return `file:${path.join(dataRoot(), DATABASE_FILE_NAME)}`;
  if (!trimmed.startsWith('file:')) return trimmed;
  const filePath = trimmed.slice('file:'.length).split('?')[0] ?? '';
  if (filePath === '') throw new Error(`DATABASE_URL: no file path in "${trimmed}"`);
  if (filePath === ':memory:') return 'file::memory:';
  return `file:${path.resolve(findRepoRoot(), filePath)}`;
}

export type DatabaseProvider = 'sqlite' | 'postgresql';

/** `postgresql://` or `postgres://`: the PostgreSQL provider; anything else is SQLite's `file:`. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url.trim());
}

/** The URL fit for logs and messages: a password is replaced by ***. */
export function redactDatabaseUrl(url: string): string {
  if (!isPostgresUrl(url)) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const key of ['password', 'sslpassword'])
      if (parsed.searchParams.has(key)) parsed.searchParams.set(key, '***');
    return parsed.toString();
  } catch {
    return 'postgresql://(unparseable URL)';
  }
}

export function databaseProvider(url: string): DatabaseProvider {
  return isPostgresUrl(url) ? 'postgresql' : 'sqlite';
}

/** The SQLite file behind a `file:` URL (resolved as above); its folder is created if missing. */
export function sqliteFilePath(url: string): string {
  const resolved = resolveDatabaseUrl(url);
  if (!resolved.startsWith('file:')) {
    throw new Error(
      `DATABASE_URL: expected a SQLite file: URL here, got "${redactDatabaseUrl(resolved)}"`,
    );
  }
  const filePath = resolved.slice('file:'.length);
  if (filePath !== ':memory:') mkdirSync(path.dirname(filePath), { recursive: true });
  return filePath;
}
