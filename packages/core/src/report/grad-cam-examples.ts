/** Which Grad-CAM examples the report shows for a most-confused class pair. */
import type { GradCamEntry } from '../contracts/grad-cam-file.ts';
import type { ReportRun } from './lab-report-input.ts';
import type { ConfusedPair } from './run-facts.ts';

/** Examples per class pair: enough to see a pattern, few enough to keep the file small. */
export const EXAMPLES_PER_PAIR = 2;

/** The run's stored Grad-CAM entries of images of the pair's true class predicted as its other class. */
export function gradCamExamplesFor(run: ReportRun, pair: ConfusedPair): GradCamEntry[] {
  if (!run.gradCam) return [];
  return run.gradCam.entries
    .filter(
      (entry) => entry.trueLabel === pair.trueLabel && entry.predictedLabel === pair.predictedLabel,
    )
    .slice(0, EXAMPLES_PER_PAIR);
}
