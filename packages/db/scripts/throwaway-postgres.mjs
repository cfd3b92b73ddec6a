// A throwaway PostgreSQL cluster for tests and for the migration scripts (db:new, db:check need a
// real server for the schema engine's shadow database): Debian's server binaries, a fresh data
// directory, listening on 127.0.0.1 only, trust authentication, gone when stopped. Plain JS so the
// root test runner (node) and the TypeScript scripts (tsx) share it.
import { spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';

/** The variable that names a PostgreSQL server (its maintenance database) for tests to use. */
export const TEST_POSTGRES_ENV = 'CONVLAB_TEST_POSTGRES_URL';

/** Debian's server binaries (/usr/lib/postgresql/<version>/bin), newest version; null when absent. */
export function findPostgresBin() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((version) => existsSync(path.join(root, version, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? path.join(root, versions[0], 'bin') : null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a cluster; resolves to `{ url, pause, resume, stop }`. PostgreSQL refuses to run as root, so
 * as root the server runs as the `postgres` user Debian's package creates. Options (for tests that
 * stand in for several hosts): `listen`, the address to listen on (default 127.0.0.1); `netns`, a
 * network namespace to run the server in; `allowCidr`, clients to trust besides loopback.
 */
export async function startThrowawayPostgres(options = {}) {
  const listen = options.listen ?? '127.0.0.1';
  const bin = findPostgresBin();
  if (!bin)
    throw new Error(
      "PostgreSQL's server is not installed (no /usr/lib/postgresql/*/bin/initdb): " +
        `apt-get install postgresql, or set ${TEST_POSTGRES_ENV} to a server's URL`,
    );
  const dir = mkdtempSync(path.join(tmpdir(), 'convlab-postgres-'));
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const owner = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const group = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (owner.status !== 0) throw new Error('running as root, but there is no postgres user');
    chownSync(dir, Number(owner.stdout.trim()), Number(group.stdout.trim()));
  }
  const run = (program, args) => {
    const argv = [
      ...(options.netns ? ['ip', 'netns', 'exec', options.netns] : []),
      ...(asRoot ? ['runuser', '-u', 'postgres', '--'] : []),
      path.join(bin, program),
      ...args,
    ];
    const result = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
    if (result.status !== 0)
      throw new Error(`${program} failed: ${(result.stderr || result.stdout || '').trim()}`);
  };
  const data = path.join(dir, 'data');
  const port = await freePort();
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'convlab', '-E', 'UTF8', '--no-sync']);
  if (options.allowCidr)
    appendFileSync(path.join(data, 'pg_hba.conf'), `host all all ${options.allowCidr} trust\n`);
  // fsync off: a throwaway cluster need not survive a power cut.
  const serverOptions = `-h ${listen} -p ${port} -k ${dir} -c fsync=off -c full_page_writes=off -c max_connections=200`;
  const start = () =>
    run('pg_ctl', [
      '-D',
      data,
      '-o',
      serverOptions,
      '-l',
      path.join(dir, 'server.log'),
      '-w',
      'start',
    ]);
  start();
  return {
    url: `postgresql://convlab@${listen}:${port}/postgres`,
    /** Stops the server, keeping its data (for outage tests); resume() starts it again. */
    pause() {
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    },
    resume() {
      start();
    },
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * The server tests use: the one named by CONVLAB_TEST_POSTGRES_URL, else a throwaway cluster (stop()
 * then stops it). Rejects with the reason when neither is possible.
 */
export async function provideTestPostgres() {
  const given = process.env[TEST_POSTGRES_ENV];
  if (given) {
    const unsupported = () => {
      throw new Error(`cannot pause a server given by ${TEST_POSTGRES_ENV}`);
    };
    return { url: given, pause: unsupported, resume: unsupported, stop() {} };
  }
  return startThrowawayPostgres();
}
