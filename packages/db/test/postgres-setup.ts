/**
 * Vitest global setup: a PostgreSQL server for the tests that run on both providers. Uses
 * CONVLAB_TEST_POSTGRES_URL when set, else starts a throwaway cluster from Debian's binaries and
 * stops it after the run. When neither is possible the reason is passed on, and the PostgreSQL tests
 * fail with it (they never pass silently).
 */
import {
  provideTestPostgres,
  TEST_POSTGRES_ENV,
  type RunningPostgres,
} from '../scripts/throwaway-postgres.mjs';

export const POSTGRES_UNAVAILABLE_ENV = 'CONVLAB_TEST_POSTGRES_UNAVAILABLE';

let server: RunningPostgres | null = null;

export async function setup(): Promise<void> {
  try {
    server = await provideTestPostgres();
    process.env[TEST_POSTGRES_ENV] = server.url;
  } catch (error) {
    process.env[POSTGRES_UNAVAILABLE_ENV] = error instanceof Error ? error.message : String(error);
  }
}

export function teardown(): void {
  server?.stop();
}
