// Public API of @convlab/db.
export { BUSY_TIMEOUT_MS, CONNECTION_PRAGMAS, createDb, type CreateDbOptions } from './client.ts';
export {
  DATABASE_FILE_NAME,
  databaseProvider,
  isPostgresUrl,
  redactDatabaseUrl,
  resolveDatabaseUrl,
  sqliteFilePath,
  type DatabaseProvider,
} from './database-url.ts';
export {
  applyMigrations,
  migrationChecksum,
  MigrationError,
  MIGRATIONS_DIR,
  readMigrations,
  type ApplyMigrationsOptions,
  type MigrationFile,
} from './migrations.ts';
export { RunNotFoundError, RunStateError, SweepNotFoundError } from './errors.ts';
export { isRunStatus, RUN_STATUSES, type RunStatus } from './run-status.ts';
export { newRunId, newSweepId } from './run-id.ts';
export { defaultRunName, fitRunName, MAX_RUN_NAME } from './run-name.ts';
export {
  describeRunConfigError,
  InvalidRunConfigError,
  resolveRunConfigOrThrow,
} from './run-config.ts';
export {
  cancelRun,
  claimNextRun,
  completeRun,
  deleteRun,
  enqueueRun,
  failRun,
  findRun,
  isRunningFor,
  runExists,
  getRunOrThrow,
  listCancelRequested,
  markRunCancelled,
  releaseRun,
  renewLease,
  requeueStaleRuns,
  retryRun,
  setRunStarted,
  type ClaimOptions,
  type EnqueueRunInput,
  type LeaseState,
  type RequeueStaleOptions,
  type RunResults,
} from './queue.ts';
export {
  countEpochMetrics,
  deleteEpochMetricsAfter,
  EPOCH_PHASES,
  epochMetricInputSchema,
  recordEpochMetric,
  runProgressSchema,
  runResultsSchema,
  saveReport,
  saveModelSummary,
  updateRunProgress,
  type EpochMetricInput,
  type EpochPhase,
  type RunProgress,
  type RunResultsInput,
} from './metrics.ts';
export type { StoredRunReport } from './report.ts';
export { parseRunReport, runReportSchema, type RunReport } from '@convlab/core/contracts';
export {
  heartbeatWorker,
  listLostWorkers,
  listWorkers,
  registerWorker,
  stopWorker,
  type RegisterWorkerInput,
} from './workers.ts';
export {
  countRunsByStatus,
  getRunDetail,
  listRunFilterValues,
  listRunningRunsOf,
  listRuns,
  listRunsOptionsSchema,
  recentRunTimings,
  RUN_SORTS,
  type ListRunsOptions,
  type RunDetail,
  type RunListItem,
  type RunGroupSummary,
  type RunSort,
} from './read-models.ts';
// Generated Prisma types and client class; Run with its status typed (run-row.ts).
export { Prisma, PrismaClient } from './generated/prisma/client.ts';
export type { EpochMetric, Report, Sweep, Worker } from './generated/prisma/client.ts';
export type { Run } from './run-row.ts';
export {
  createArtifactStore,
  defaultArtifactStoreKind,
  readFolderAsArtifacts,
  runFolderFile,
  writeArtifactsToFolder,
  type ArtifactDownload,
  type ArtifactEntry,
  type ArtifactFile,
  type ArtifactStore,
  type ArtifactStoreKind,
  type LocalArtifactFolder,
} from './artifact-store.ts';
export {
  listenForQueuedRuns,
  notifyRunQueued,
  RUN_QUEUED_CHANNEL,
  type QueueListener,
} from './queue-notify.ts';
export { RUN_CSV_COLUMNS, runsToCsv, sweepToCsv } from './runs-csv.ts';
export {
  annotateRun,
  listRunTags,
  parseRunTags,
  runNoteSchema,
  runTagSchema,
  runTagsSchema,
} from './run-annotations.ts';
export {
  cancelSweep,
  createSweep,
  finishTrialRung,
  InvalidSweepError,
  type CreatedSweep,
  type RungOutcome,
} from './sweeps.ts';
export {
  getSweepDetail,
  listSweeps,
  type SweepDetail,
  type SweepState,
  type SweepSummary,
  type SweepTrial,
} from './sweep-read-models.ts';
export {
  readRunModelFiles,
  readRunModelInfo,
  type RunModelFiles,
  type RunModelInfo,
} from './run-model.ts';
export {
  folderDatasetLabelSchema,
  listFolderDatasets,
  registerFolderDataset,
  removeFolderDataset,
  type RegisteredFolder,
} from './folder-datasets.ts';
export {
  LabReportSelectionError,
  labReportSelectionSchema,
  loadLabReportInput,
  type LabReportSelection,
} from './load-lab-report.ts';
export { CLAIMABLE_RUN_CONDITION, QUEUE_DEPTH_SQL, queueDepth } from './queue-depth.ts';
