/**
 * One structured JSON line per event (pino), on stderr so `--json` outputs on stdout stay clean; or,
 * given a TerminalLog (a person at a TTY), the same records printed for reading.
 */
import pino from 'pino';
import { logLevelFromEnv } from './env.ts';
import type { TerminalLog } from './terminal-log.ts';

export type Logger = pino.Logger;

export function createLogger(
  options: { verbose?: boolean; name?: string; terminal?: TerminalLog } = {},
): Logger {
  return pino(
    {
      name: options.name ?? 'convlab',
      level: options.verbose ? 'debug' : logLevelFromEnv(),
      base: { pid: process.pid },
    },
    options.terminal ?? pino.destination({ fd: 2, sync: true }),
  );
}
