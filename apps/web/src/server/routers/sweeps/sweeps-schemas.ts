import { z } from 'zod';

/** Sweep ids are run ids with `s` in front (see @convlab/db's newSweepId). */
export const sweepIdSchema = z.string().regex(/^s[0-9a-z]{1,40}$/, 'not a sweep id');
