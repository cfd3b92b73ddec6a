/** One structured JSON line per event (pino), on stderr so `--json` outputs on stdout stay clean. */
import pino from 'pino';
import { logLevelFromEnv } from './env.ts';

export type Logger = pino.Logger;

export function createLogger(options: { verbose?: boolean; name?: string } = {}): Logger {
  return pino(
    {
      name: options.name ?? 'convlab',
      level: options.verbose ? 'debug' : logLevelFromEnv(),
      base: { pid: process.pid },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}
