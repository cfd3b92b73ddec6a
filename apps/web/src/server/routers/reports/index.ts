/** Reports: one file per procedure, named after it (`reports.cellExamples` → cell-examples.ts). */
import type { TRPCRouterRecord } from '@trpc/server';
import { reportByRunProcedure } from './reports-by-run.ts';
import { cellExamplesProcedure } from './reports-cell-examples.ts';

export const reportsRouter = {
  byRun: reportByRunProcedure,
  cellExamples: cellExamplesProcedure,
} satisfies TRPCRouterRecord;
