import { z } from 'zod';
import { describeAccess } from '../../access.ts';
import { publicProcedure } from '../../trpc.ts';

/** The nav bar and the sign-in page decide what to offer from these three flags. */
export const authStatusOutputSchema = z.object({
  tokenRequired: z.boolean(),
  canRead: z.boolean(),
  canWrite: z.boolean(),
});

/** Whether this request may read / change things, so the UI can offer the sign-in form. */
export const authStatusProcedure = publicProcedure
  .output(authStatusOutputSchema)
  .query(({ ctx }) => describeAccess(ctx.policy, ctx.headers));
