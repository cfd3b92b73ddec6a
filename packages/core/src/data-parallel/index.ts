// Data-parallel training inside one run (re-exported from @convlab/core).
export { liveReplicaPools, ReplicaFailed, ReplicaPool } from './replica-pool.ts';
export type { ReplicaStepTiming } from './replica-step.ts';
export {
  MIN_ROWS_PER_WORKER,
  resolveWorkerCount,
  type WorkerCount,
  type WorkerCountInput,
} from './worker-count.ts';
export { reduceShare, splitRows } from './shared-gradients.ts';
