/**
 * The scripts' contract on PostgreSQL: `DATABASE_URL=postgresql://… convlab migrate`, then `queue`,
 * `trainer --once` and `show --json` behave exactly as on SQLite (cli.test.ts), through real
 * processes against a real server (the db package's test server, see vitest.config.ts).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from './harness.ts';

const SERVER_ENV = 'CONVLAB_TEST_POSTGRES_URL';

interface ShowJson {
  status: string;
  attempts: number;
  epochs: { epoch: number }[];
  report: { testAcc: number; perClass: unknown[] } | null;
}

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
    expect(migrated.stdout).toMatch(/^postgresql:\/\/.*: applied 1 migration\(s\): \d+_init\n$/);
    expect((await sandbox.cli(['migrate'])).stdout).toMatch(/: up to date\n$/);

    const id = await sandbox.queue([
      '--preset',
      'tiny-cnn',
      '--dataset',
      'synthetic',
      '--epochs',
      '2',
      '--train-limit',
      '400',
      '--test-limit',
      '200',
    ]);
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
});
