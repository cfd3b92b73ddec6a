/**
 * convlab on PostgreSQL, through real processes against a real server (the db package's test server,
 * see vitest.config.ts). The scripts' contract: `DATABASE_URL=postgresql://… convlab migrate`, then
 * `queue`, `trainer --once` and `show --json` behave exactly as on SQLite (cli.test.ts). And two
 * "hosts" (daemons with run folders of their own) share the queue and the artifact store: a run
 * killed on one resumes from its checkpoint on the other.
 */
import { createDb } from '@convlab/db';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startThrowawayPostgres } from '@convlab/db/testing';
import { killOnHostAResumeOnHostB } from './cross-host.ts';
import { createSandbox, TINY_RUN, waitFor, type Sandbox, type ShowJson } from './harness.ts';

const SERVER_ENV = 'CONVLAB_TEST_POSTGRES_URL';

describe('convlab CLI on PostgreSQL', () => {
  let sandbox: Sandbox;
  let admin: pg.Client;
  const database = `convlab_cli_${process.pid}_${Date.now()}`;

  beforeAll(async () => {
    const server = process.env[SERVER_ENV];
    if (!server) {
      throw new Error(
        `no PostgreSQL server for the tests: ${process.env.CONVLAB_TEST_POSTGRES_UNAVAILABLE ?? `${SERVER_ENV} is not set`}`,
      );
    }
    admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    const url = new URL(server);
    url.pathname = `/${database}`;
    sandbox = createSandbox({ databaseUrl: url.toString() });
  });
  afterAll(async () => {
    await sandbox.cleanup();
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  });

  it('migrates, queues, trains with trainer --once and shows the run as on SQLite', async () => {
    const migrated = await sandbox.cli(['migrate']);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stdout).toMatch(
      /^postgresql:\/\/.*: applied \d+ migration\(s\): \d+_init(, \d+_\w+)*\n$/,
    );
    expect((await sandbox.cli(['migrate'])).stdout).toMatch(/: up to date\n$/);

    const id = await sandbox.queueTinyRun({ epochs: 2, trainLimit: 400 });
    const trainer = sandbox.startTrainer(['--once', '--concurrency', '1']);
    const { code } = await trainer.exited;
    expect(code, trainer.output()).toBe(0);

    const shown = JSON.parse((await sandbox.cli(['show', id, '--json'])).stdout) as ShowJson;
    expect(shown.status).toBe('completed');
    expect(shown.attempts).toBe(1);
    expect(shown.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    // Learning happened: 10 balanced classes, so chance is 10%.
    expect(shown.report?.testAcc).toBeGreaterThan(0.3);
    expect(shown.report?.perClass).toHaveLength(10);
  });
  it('resumes a run killed with SIGKILL on host A from its checkpoint on host B', async () => {
    // Host B: a second daemon with its own run folder, on the same database.
    const hostB = createSandbox({ databaseUrl: sandbox.databaseUrl });
    try {
      await killOnHostAResumeOnHostB(sandbox, hostB, sandbox.db());
    } finally {
      await hostB.cleanup();
    }
  });

  it('wakes an idle daemon through LISTEN/NOTIFY when a run is queued, long before its next poll', async () => {
    const daemon = sandbox.startTrainer(['--concurrency', '1'], { CONVLAB_POLL_MS: '60000' });
    try {
      // Listening, polled once, and now asleep for a minute.
      await waitFor(() => Promise.resolve(/worker\.listening/.test(daemon.output())), {
        what: 'the daemon to listen',
      });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const queuedAt = Date.now();
      const id = await sandbox.queue([
        '--preset',
        'tiny-cnn',
        '--dataset',
        'synthetic',
        '--epochs',
        '1',
      ]);
      const db = sandbox.db();
      await waitFor(
        async () => (await db.run.findUniqueOrThrow({ where: { id } })).status !== 'queued',
        { what: 'the claim', timeoutMs: 20_000 },
      );
      expect(Date.now() - queuedAt).toBeLessThan(20_000);
    } finally {
      daemon.child.kill('SIGTERM');
      await daemon.exited;
    }
  });

  it('rides out PostgreSQL stopping for 10 s (longer than the lease) under a training run, losing nothing', async () => {
    // A server of this test's own, so stopping it touches no other test.
    const server = await startThrowawayPostgres();
    const outage = createSandbox({ databaseUrl: server.url });
    try {
      const id = await outage.queue([...TINY_RUN, '--epochs', '25']);
      const epochs = async () => {
        const db = createDb({ url: server.url });
        try {
          const rows = await db.epochMetric.findMany({
            where: { runId: id },
            orderBy: { epoch: 'asc' },
          });
          return rows.map((row) => row.epoch);
        } finally {
          await db.$disconnect();
        }
      };
      // An outage longer than the lease, with room for a second run: the daemon must renew its own
      // lease before it requeues stale runs, or it would claim its own run back.
      const daemon = outage.startTrainer(['--once', '--concurrency', '2'], {
        CONVLAB_LEASE_MS: '3000',
      });
      await waitFor(async () => (await epochs()).length >= 2, { what: 'two epochs' });
      server.pause();
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      expect(daemon.child.exitCode, daemon.output()).toBeNull(); // still up, child and all
      server.resume();
      const { code } = await daemon.exited;
      expect(code, daemon.output()).toBe(0);
      expect(daemon.output()).toMatch(/database\.retry|worker\.database_unavailable/);

      const shown = JSON.parse((await outage.cli(['show', id, '--json'])).stdout) as ShowJson;
      expect(shown.status).toBe('completed');
      expect(shown.attempts).toBe(1); // the run never failed or restarted
      expect(shown.epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    } finally {
      await outage.cleanup();
      server.stop();
    }
  });
});
