import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRepoRoot } from '@convlab/core/paths';
import { BUSY_TIMEOUT_MS, createDb, resolveDatabaseUrl } from '../src/index.ts';

describe('resolveDatabaseUrl', () => {
  it('resolves relative file: URLs against the repository root, not the working directory', () => {
    expect(resolveDatabaseUrl('file:data/dev.db')).toBe(
      `file:${path.join(findRepoRoot(), 'data', 'dev.db')}`,
    );
    expect(resolveDatabaseUrl('file:/tmp/x.db')).toBe('file:/tmp/x.db');
    expect(resolveDatabaseUrl('postgresql://localhost/convlab')).toBe(
      'postgresql://localhost/convlab',
    );
  });

  it('defaults to <repo root>/data/convlab.db', () => {
    const saved = { url: process.env.DATABASE_URL, home: process.env.CONVLAB_HOME };
    delete process.env.DATABASE_URL;
    delete process.env.CONVLAB_HOME;
    try {
      expect(resolveDatabaseUrl()).toBe(`file:${path.join(findRepoRoot(), 'data', 'convlab.db')}`);
    } finally {
      if (saved.url !== undefined) process.env.DATABASE_URL = saved.url;
      if (saved.home !== undefined) process.env.CONVLAB_HOME = saved.home;
    }
  });
});

describe('createDb', () => {
  it('opens every connection in WAL mode with a busy timeout, creating the folder', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'convlab-client-test-'));
    const db = createDb({ url: `file:${path.join(dir, 'nested', 'fresh.db')}` });
    try {
      const [mode] = await db.$queryRawUnsafe<{ journal_mode: string }[]>('PRAGMA journal_mode');
      const [timeout] = await db.$queryRawUnsafe<{ timeout: unknown }[]>('PRAGMA busy_timeout');
      expect(mode?.journal_mode).toBe('wal');
      expect(Number(timeout?.timeout)).toBe(BUSY_TIMEOUT_MS);
    } finally {
      await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
