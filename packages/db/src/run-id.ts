import { randomBytes } from 'node:crypto';

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';
let lastTime = 0;

/**
 * A short, URL-safe, unique run id: `r` + the creation time in base36 (9 characters; ids sort by
 * creation time, strictly increasing within a process) + 6 random base36 characters (≈31 bits),
 * e.g. `r0mx1bjacja9zjgt`.
 */
export function newRunId(now: Date = new Date()): string {
  lastTime = Math.max(now.getTime(), lastTime + 1);
  const time = lastTime.toString(36).padStart(9, '0');
  const random = Array.from(randomBytes(6), (byte) => BASE36[byte % 36]).join('');
  return `r${time}${random}`;
}

/** A sweep id: like a run id, with `s` in front (`s0mx1bjacja9zjgt`). */
export function newSweepId(now: Date = new Date()): string {
  return `s${newRunId(now).slice(1)}`;
}
