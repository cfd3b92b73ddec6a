/** The one environment variable @convlab/db reads: which database to use (see database-url.ts). */
import { z } from 'zod';

const dbEnvSchema = z.object({ DATABASE_URL: z.string().optional() });

export function databaseUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return dbEnvSchema.parse({ DATABASE_URL: env.DATABASE_URL }).DATABASE_URL;
}
