/**
 * What every layer agrees on about a run, apart from its config: its id, its statuses, its priority.
 * Client-safe (no Node imports), so the dashboard's components can use it too.
 */
import { z } from 'zod';

/**
 * The lifecycle of a run: queued → running → completed | failed | cancelled (failed/cancelled can be
 * retried). A sweep trial that ASHA stops at its rung is pruned; ASHA may still promote it (back to
 * queued, resuming from its checkpoint) until its rung is closed.
 */
export const RUN_STATUSES = [
  'queued',
  'running',
  'completed',
  'failed',
  'cancelled',
  'pruned',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const runStatusSchema = z.enum(RUN_STATUSES);

/** Statuses of a run that is not finished: waiting in the queue or training (pages poll while one is). */
export const ACTIVE_RUN_STATUSES = ['queued', 'running'] as const satisfies readonly RunStatus[];

export function isActiveRunStatus(status: string): boolean {
  return (ACTIVE_RUN_STATUSES as readonly string[]).includes(status);
}

export function isRunStatus(value: string): value is RunStatus {
  return (RUN_STATUSES as readonly string[]).includes(value);
}

/** Run ids are URL- and path-safe: they name folders and appear in URLs. */
const RUN_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const runIdSchema = z.string().regex(RUN_ID_PATTERN, 'not a run id');

export function isRunId(value: string): boolean {
  return RUN_ID_PATTERN.test(value);
}

/** A run's or a sweep's name, as people type it. */
export const runNameSchema = z.string().trim().min(1).max(200);

/** A comparison group's id: it appears in URLs and CLI arguments. */
export const groupIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'letters, digits, _ . - (at most 100)');

/** Higher runs first; the range keeps ordering meaningful and the column small. */
export const PRIORITY_MIN = -1000;
export const PRIORITY_MAX = 1000;
export const prioritySchema = z.number().int().min(PRIORITY_MIN).max(PRIORITY_MAX);
