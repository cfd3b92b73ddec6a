/**
 * Several trainer hosts on one PostgreSQL queue, with hosts stood in for by network namespaces the
 * test makes itself: a database host and two trainer hosts on a bridge of their own (10.231.x.0/24),
 * PostgreSQL listening only there. Needs root and `ip netns`; without them the test is skipped, and
 * says why.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb, enqueueRun, newRunId, type PrismaClient } from '@convlab/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startThrowawayPostgres, type RunningPostgres } from '@convlab/db/testing';
import { lastJsonLine, runTogether } from '@convlab/db/testing';
import { killOnHostAResumeOnHostB } from './cross-host.ts';
import { createSandbox, type Sandbox } from './harness.ts';

const CLAIM_ALL = fileURLToPath(
  new URL('../../../packages/db/test/fixtures/claim-all.ts', import.meta.url),
);

// A subnet and names of this run's own (a leftover of a crashed run with the same tag is removed).
const tag = 20 + Math.floor(Math.random() * 200);
const subnet = `10.231.${tag}`;
const bridge = `clbr${tag}`;
const hosts = { db: 1, a: 2, b: 3 } as const;
type Host = keyof typeof hosts;
const netns = (host: Host) => `convlab-${tag}-${host}`;

function ip(args: string[]): { ok: boolean; error: string } {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  return { ok: result.status === 0, error: (result.stderr || result.error?.message || '').trim() };
}

function must(args: string[]): void {
  const result = ip(args);
  if (!result.ok) throw new Error(`ip ${args.join(' ')}: ${result.error}`);
}

/** Why namespaces cannot be made here, or null when they can. */
function namespacesUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'not root: network namespaces need CAP_NET_ADMIN';
  const probe = `convlab-probe-${process.pid}`;
  const made = ip(['netns', 'add', probe]);
  if (!made.ok) return `ip netns add failed: ${made.error}`;
  ip(['netns', 'del', probe]);
  return null;
}

function createNetwork(): void {
  removeNetwork();
  must(['link', 'add', bridge, 'type', 'bridge']);
  must(['addr', 'add', `${subnet}.254/24`, 'dev', bridge]);
  must(['link', 'set', bridge, 'up']);
  for (const [host, n] of Object.entries(hosts) as [Host, number][]) {
    const ns = netns(host);
    const outside = `cl${tag}${host}o`;
    const inside = `cl${tag}${host}i`;
    must(['netns', 'add', ns]);
    must(['link', 'add', outside, 'type', 'veth', 'peer', 'name', inside]);
    must(['link', 'set', inside, 'netns', ns]);
    must(['link', 'set', outside, 'master', bridge, 'up']);
    must(['-n', ns, 'addr', 'add', `${subnet}.${n}/24`, 'dev', inside]);
    must(['-n', ns, 'link', 'set', inside, 'up']);
    must(['-n', ns, 'link', 'set', 'lo', 'up']);
  }
}

function removeNetwork(): void {
  for (const host of Object.keys(hosts) as Host[]) ip(['netns', 'del', netns(host)]);
  ip(['link', 'del', bridge]);
}

const unavailable = namespacesUnavailable();

describe.skipIf(unavailable !== null)('trainer hosts in network namespaces', () => {
  let server: RunningPostgres;
  let serverUrl: URL;
  const sandboxes: Sandbox[] = [];
  const clients: PrismaClient[] = [];
  const client = (url: string) => {
    const db = createDb({ url });
    clients.push(db);
    return db;
  };

  beforeAll(async () => {
    createNetwork();
    server = await startThrowawayPostgres({
      listen: `${subnet}.${hosts.db}`,
      netns: netns('db'),
      allowCidr: `${subnet}.0/24`,
    });
    serverUrl = new URL(server.url);
  });
  afterAll(async () => {
    for (const sandbox of sandboxes) await sandbox.cleanup();
    await Promise.all(clients.map((db) => db.$disconnect()));
    server?.stop();
    removeNetwork();
  });

  /** A fresh database on the database host. */
  async function freshDatabase(name: string): Promise<string> {
    const admin = createDb({ url: server.url });
    await admin.$executeRawUnsafe(`CREATE DATABASE "${name}"`);
    await admin.$disconnect();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return url.toString();
  }

  it('two hosts claiming 1000 runs never claim one twice', async () => {
    const url = await freshDatabase('claims');
    const sandbox = createSandbox({ databaseUrl: url });
    sandboxes.push(sandbox);
    expect((await sandbox.cli(['migrate'])).code).toBe(0);
    const db = client(url);
    const template = await enqueueRun(db, { config: { preset: 'tiny-cnn' } });
    await db.run.delete({ where: { id: template.id } });
    const { id: _id, createdAt: _createdAt, ...fields } = template;
    const start = Date.now();
    const ids = Array.from({ length: 1000 }, () => newRunId());
    await db.run.createMany({
      data: ids.map((id, i) => ({
        ...fields,
        id,
        priority: i % 3,
        createdAt: new Date(start + i),
      })),
    });
    const [a, b] = await runTogether(
      path.join(sandbox.dir, 'go'),
      (['a', 'b'] as const).map((host) => ({
        script: CLAIM_ALL,
        args: [url, `worker-${host}`],
        prefix: ['ip', 'netns', 'exec', netns(host)],
      })),
    );
    if (!a || !b) throw new Error('missing claimer result');
    const claimedA = lastJsonLine<string[]>(a);
    const claimedB = lastJsonLine<string[]>(b);
    const all = [...claimedA, ...claimedB];
    expect(new Set(all).size).toBe(all.length); // 0 double claims
    expect(new Set(all)).toEqual(new Set(ids));
    expect(claimedA.length).toBeGreaterThan(0);
    expect(claimedB.length).toBeGreaterThan(0);
  });

  it('a run killed with SIGKILL on host A resumes from its checkpoint on host B', async () => {
    const url = await freshDatabase('resume');
    const hostA = createSandbox({
      databaseUrl: url,
      commandPrefix: ['ip', 'netns', 'exec', netns('a')],
    });
    const hostB = createSandbox({
      databaseUrl: url,
      commandPrefix: ['ip', 'netns', 'exec', netns('b')],
    });
    sandboxes.push(hostA, hostB);
    expect((await hostA.cli(['migrate'])).code).toBe(0);
    await killOnHostAResumeOnHostB(hostA, hostB, client(url));
  });
});

if (unavailable !== null) {
  // Say why, in the test list and on the console.
  console.warn(`multi-host tests skipped: ${unavailable}`);
  describe('trainer hosts in network namespaces', () => {
    it.skip(`skipped: ${unavailable}`, () => undefined);
  });
}
