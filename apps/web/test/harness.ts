/** A throwaway SQLite database and runs folder, and tRPC callers against them. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultDataPolicy } from '@convlab/core/policy';
import { applyMigrations, createDb, type PrismaClient } from '@convlab/db';
import { expect } from 'vitest';
import type { AccessPolicy } from '~/server/access.ts';
import { createCaller } from '~/server/root.ts';
import { createTRPCContext, type TRPCContext } from '~/server/trpc.ts';

export const LOOPBACK_POLICY: AccessPolicy = {
  loopback: true,
  token: undefined,
  publicReads: false,
};

/** Folder datasets of the web tests live under <dir>/datasets; weights under the shared assets. */
export function dataPolicy(dir: string): TRPCContext['dataPolicy'] {
  const defaults = defaultDataPolicy();
  return {
    datasetRoots: [path.join(dir, 'datasets')],
    weights: defaults.weights,
    images: defaults.images,
  };
}

export interface TestDatabase {
  dir: string;
  url: string;
  db: PrismaClient;
  /** A caller as a request with `headers` under `policy` (default: loopback, no headers). */
  caller(options?: {
    policy?: AccessPolicy;
    headers?: Record<string, string>;
  }): ReturnType<typeof createCaller>;
  cleanup(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(path.join(tmpdir(), 'convlab-web-test-'));
  const url = `file:${path.join(dir, 'convlab.db')}`;
  // Run artifacts (deleted with their run) live in the temp folder too.
  process.env.CONVLAB_RUNS_DIR = path.join(dir, 'runs');
  await applyMigrations(url);
  const db = createDb({ url });
  return {
    dir,
    url,
    db,
    caller({ policy = LOOPBACK_POLICY, headers = {} } = {}) {
      return createCaller(
        createTRPCContext({
          db,
          policy,
          headers: new Headers(headers),
          dataPolicy: dataPolicy(dir),
        }),
      );
    },
    async cleanup() {
      await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * For `rejects.toMatchObject({ cause: { issues: issuesNaming('epochs') } })`: the validation issues
 * mention the field (in a path or a message).
 */
export function issuesNaming(field: string): unknown {
  return expect.toSatisfy(
    (issues: unknown) => (JSON.stringify(issues) ?? '').includes(field),
    `issues naming ${field}`,
  );
}
