/** Reads what only the run's report.json holds (beyond the database's Report row). */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { runDir } from '@convlab/core/paths';
import { z } from 'zod';

const predictionsSchema = z.array(z.number().int().min(0));
/** `predictions` at the top level of report.json, or inside its `report` object. */
const storedPredictionsSchema = z.union([
  z.object({ predictions: predictionsSchema }),
  z
    .object({ report: z.object({ predictions: predictionsSchema }) })
    .transform((file) => file.report),
]);

/**
 * One predicted class per test image, if the run's report.json lists them; null otherwise (then the
 * confusion-matrix drill-down falls back to the report's misclassified examples).
 */
export async function readStoredPredictions(runId: string): Promise<number[] | null> {
  let text: string;
  try {
    text = await readFile(path.join(runDir(runId), 'report.json'), 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = storedPredictionsSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.predictions : null;
  } catch {
    return null;
  }
}
