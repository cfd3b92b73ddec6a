/** Reads what only the run's report.json holds (beyond the database's Report row). */
import { RUN_FOLDER } from '@convlab/core/paths';
import { reportFileListsSchema } from '@convlab/core/contracts';
import { createArtifactStore } from '@convlab/db';
import { getDb } from './db.ts';

export interface ReportExtras {
  predictions: number[] | null;
  testLabels: number[] | null;
  testSources: string[] | null;
}

/** The lists report.json has (null for each it lacks, or for a missing or unreadable file). */
export async function readReportExtras(runId: string): Promise<ReportExtras> {
  const none: ReportExtras = { predictions: null, testLabels: null, testSources: null };
  let text: string;
  try {
    // Whichever store holds it (the folder store never reads through a link).
    const bytes = await createArtifactStore(await getDb()).read(runId, RUN_FOLDER.report);
    if (!bytes) return none;
    text = Buffer.from(bytes).toString('utf8');
  } catch {
    return none;
  }
  try {
    const parsed = reportFileListsSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return none;
    const file = parsed.data;
    return {
      predictions: file.predictions ?? file.report?.predictions ?? null,
      testLabels: file.testLabels ?? null,
      testSources: file.testSources ?? null,
    };
  } catch {
    return none;
  }
}

/** For a run on an image folder: each test image's file, relative to the folder; null when none. */
export async function readStoredTestSources(runId: string): Promise<string[] | null> {
  return (await readReportExtras(runId)).testSources;
}
