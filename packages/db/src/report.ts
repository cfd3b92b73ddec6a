/**
 * A finished run's evaluation, as stored in the Report table (JSON columns as text, so SQLite and
 * PostgreSQL agree). Its schema is core's `runReportSchema` (@convlab/core/contracts): the same one
 * validates report.json, what is written here and what is read back.
 */
import type { RunReport } from '@convlab/core/contracts';

/** A stored report as read back. */
export type StoredRunReport = RunReport & { runId: string; createdAt: Date };
