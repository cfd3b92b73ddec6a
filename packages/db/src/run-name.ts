/** Names given to runs (and sweeps) that nobody named: short enough for the name column's limit. */
import type { RunConfig } from '@convlab/core/contracts';

/** Run names are at most this long; a longer default (a long folder path) is shortened. */
export const MAX_RUN_NAME = 200;

/** `text` cut to MAX_RUN_NAME characters (ending in "…" when cut). */
export function fitRunName(text: string): string {
  const trimmed = text.trim();
  return trimmed.length <= MAX_RUN_NAME ? trimmed : `${trimmed.slice(0, MAX_RUN_NAME - 1)}…`;
}

export function defaultRunName(config: RunConfig): string {
  return fitRunName(`${config.preset} on ${config.dataset}`);
}
