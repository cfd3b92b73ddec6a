import type { TRPCRouterRecord } from '@trpc/server';
import { describeAccess } from '../access.ts';
import { publicProcedure } from '../trpc.ts';

export const authRouter = {
  /** Whether this request may read / change things, so the UI can offer the sign-in form. */
  status: publicProcedure.query(({ ctx }) => describeAccess(ctx.policy, ctx.headers)),
} satisfies TRPCRouterRecord;
