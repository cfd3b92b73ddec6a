/** Runs: one file per procedure, named after it (`runs.queueExperiment` → queue-experiment.ts). */
import type { TRPCRouterRecord } from '@trpc/server';
import { annotateRunProcedure } from './runs-annotate.ts';
import { cancelRunProcedure } from './runs-cancel.ts';
import { compareRunsProcedure } from './runs-compare.ts';
import { deleteRunProcedure } from './runs-delete.ts';
import { runDetailProcedure } from './runs-detail.ts';
import { experimentPlanProcedure } from './runs-experiment-plan.ts';
import { runFilterOptionsProcedure } from './runs-filter-options.ts';
import { listRunsProcedure } from './runs-list.ts';
import { queueExperimentProcedure } from './runs-queue-experiment.ts';
import { queueRunProcedure } from './runs-queue.ts';
import { retryRunProcedure } from './runs-retry.ts';
import { runTagsProcedure } from './runs-tags.ts';

export const runsRouter = {
  list: listRunsProcedure,
  filterOptions: runFilterOptionsProcedure,
  detail: runDetailProcedure,
  compare: compareRunsProcedure,
  queue: queueRunProcedure,
  queueExperiment: queueExperimentProcedure,
  experimentPlan: experimentPlanProcedure,
  cancel: cancelRunProcedure,
  retry: retryRunProcedure,
  delete: deleteRunProcedure,
  annotate: annotateRunProcedure,
  tags: runTagsProcedure,
} satisfies TRPCRouterRecord;
