/**
 * A finished run's evaluation, as stored in the Report table (JSON columns as text, so SQLite and
 * PostgreSQL agree). The schema lives in @convlab/core/schema: the same one validates report.json,
 * what is written here and what is read back.
 */
import type { RunReport } from '@convlab/core/schema';

export {
  classScoresSchema,
  misclassifiedExampleSchema,
  parseRunReport,
  perClassScoresSchema,
  runReportSchema,
  type ClassScores,
  type MisclassifiedExample,
  type PerClassScores,
  type RunReport,
} from '@convlab/core/schema';

/** A stored report as read back. */
export type StoredRunReport = RunReport & { runId: string; createdAt: Date };
