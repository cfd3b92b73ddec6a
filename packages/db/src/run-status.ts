// The run lifecycle is core's contract; db re-exports it for callers that only import the db.
export { isRunStatus, RUN_STATUSES, type RunStatus } from '@convlab/core/contracts';
