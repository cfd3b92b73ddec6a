/** Sweeps: one file per procedure, named after it; schemas.ts holds what several share. */
import type { TRPCRouterRecord } from '@trpc/server';
import { cancelSweepProcedure } from './sweeps-cancel.ts';
import { createSweepProcedure } from './sweeps-create.ts';
import { sweepDetailProcedure } from './sweeps-detail.ts';
import { listSweepsProcedure } from './sweeps-list.ts';

export const sweepsRouter = {
  list: listSweepsProcedure,
  detail: sweepDetailProcedure,
  create: createSweepProcedure,
  cancel: cancelSweepProcedure,
} satisfies TRPCRouterRecord;
