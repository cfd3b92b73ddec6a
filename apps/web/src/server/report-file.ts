/** Reads what only the run's report.json holds (beyond the database's Report row). */
import { readFile } from 'node:fs/promises';
import { RUN_FOLDER, runArtifactPaths, runDir } from '@convlab/core/paths';
import { reportFileListsSchema } from '@convlab/core/schema';
import { databaseArtifactStore } from './run-artifacts.ts';

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
    const store = await databaseArtifactStore();
    const bytes = store ? await store.read(runId, RUN_FOLDER.report) : null;
    text = store
      ? Buffer.from(bytes ?? new Uint8Array()).toString('utf8')
      : await readFile(runArtifactPaths(runDir(runId)).report, 'utf8');
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
