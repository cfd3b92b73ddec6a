import type { TRPCRouterRecord } from '@trpc/server';
import { authStatusProcedure } from './auth-status.ts';

export const authRouter = {
  status: authStatusProcedure,
} satisfies TRPCRouterRecord;
