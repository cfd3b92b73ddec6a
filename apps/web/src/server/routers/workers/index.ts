import type { TRPCRouterRecord } from '@trpc/server';
import { listWorkersProcedure } from './workers-list.ts';

export const workersRouter = {
  list: listWorkersProcedure,
} satisfies TRPCRouterRecord;
