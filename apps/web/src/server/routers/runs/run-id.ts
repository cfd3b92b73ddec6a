import { z } from 'zod';

/** Run ids are short and URL-safe (see @convlab/db's newRunId); anything else is refused up front. */
export const runIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a run id');
