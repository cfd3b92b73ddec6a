/**
 * `convlab predict <runId> <image>... [--top 5] [--json]`: a completed run's model on the user's own
 * pictures. Each image is decoded, resized and scaled exactly as the run's test images were (core's
 * imageForPrediction + predictStoredImages), so a test image saved as a PNG gets evaluation's
 * probabilities. An image that cannot be read is reported on its own line and the others still run;
 * the exit code is then 3 (1 stays for errors that print no results: unknown run, database down).
 * A prediction whose image looks unlike the run's test images (inverted, of unusual brightness or
 * contrast, one the model is unusually unsure of) carries the reasons, and the human output a warning
 * line; it is still printed.
 */
import { parseArgs } from 'node:util';
import {
  decodeForPrediction,
  ImageRejected,
  initBackend,
  inputReferenceFromReportFile,
  loadLayersModelFromFiles,
  predictImages,
  readImageFile,
  storedImageShape,
  type ClassProbability,
  type InputAssessment,
} from '@convlab/core';
import { readRunModelFiles } from '@convlab/db';
import { z } from 'zod';
import { CliError } from '../cli-error.ts';
import { withDatabase } from '../database.ts';
import { readTrainerEnv } from '../env.ts';
import { formatPercent, formatTable, printable } from '../text-table.ts';

const USAGE = 'usage: convlab predict <runId> <image.png|jpg>... [--top N] [--json]';
/** More files than this in one call is a mistake (or a job for a script and a loop). */
const MAX_IMAGES = 1000;

type ImageResult =
  | {
      file: string;
      ok: true;
      top: ClassProbability[];
      probabilities: number[];
      /** null when the run's report predates input references. */
      outOfDistribution: InputAssessment | null;
    }
  | { file: string; ok: false; error: string };

/** Exit code when some images had no prediction (the others' results were printed). */
export const SOME_IMAGES_FAILED = 3;

/** Why a file gave no prediction: the filesystem's reason, or the image decoder's (ImageRejected). */
function readFailure(error: unknown): string {
  if (error instanceof ImageRejected) return error.message;
  throw error;
}

export async function predictCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: { top: { type: 'string', default: '5' }, json: { type: 'boolean', default: false } },
  });
  const [runId, ...files] = positionals;
  if (!runId || files.length === 0) throw new CliError(USAGE, 2);
  if (files.length > MAX_IMAGES)
    throw new CliError(`at most ${MAX_IMAGES} images per call, got ${files.length}`, 2);
  const top = z.coerce.number().int().min(1).max(1000).safeParse(values.top);
  if (!top.success) throw new CliError('invalid --top: expected an integer from 1 to 1000', 2);
  const env = readTrainerEnv();
  const source = await withDatabase((db) => readRunModelFiles(db, runId));
  // Without a reference (older run, unreadable report.json) predictions go unassessed.
  const inputReference = inputReferenceFromReportFile(
    source.reportFile,
    storedImageShape(source.config),
  );

  // Decode every file first: unreadable ones are reported, never stop the rest.
  const decoded: (Uint8Array | string)[] = [];
  for (const file of files) {
    try {
      // Regular files only, and never more than the byte limit read (`/dev/zero` is refused at once).
      const bytes = await readImageFile(file, env.policy.images);
      decoded.push(await decodeForPrediction(bytes, source.config, env.policy.images));
    } catch (error) {
      decoded.push(readFailure(error));
    }
  }

  const { backend } = await initBackend(env.CONVLAB_BACKEND);
  const model = await loadLayersModelFromFiles(source.files);
  let predictions;
  try {
    predictions = await predictImages(
      model,
      source.config,
      source.classNames,
      decoded,
      top.data,
      inputReference,
    );
  } finally {
    model.dispose();
  }
  const ordered: ImageResult[] = predictions.map((p, i) => {
    const file = files[i] ?? '';
    return p.ok
      ? {
          file,
          ok: true,
          top: p.top,
          probabilities: p.probabilities,
          outOfDistribution: p.outOfDistribution,
        }
      : { file, ok: false, error: p.error };
  });
  const failed = ordered.filter((r) => !r.ok).length;

  if (values.json) {
    console.log(
      JSON.stringify({ runId, backend, classNames: source.classNames, predictions: ordered }),
    );
  } else {
    for (const result of ordered) {
      console.log(printable(result.file));
      if (!result.ok) {
        console.log(`  error: ${printable(result.error)}`);
        continue;
      }
      const table = formatTable(
        ['CLASS', 'PROBABILITY'],
        result.top.map((c) => [printable(c.label), formatPercent(c.probability)]),
      );
      console.log(table.replace(/^/gm, '  '));
      if (result.outOfDistribution?.flagged)
        console.log(
          `  warning: unlike the run's test images: ${result.outOfDistribution.reasons.join('; ')}`,
        );
    }
  }
  if (failed > 0) console.error(`convlab: ${failed} of ${files.length} images could not be read`);
  return failed > 0 ? SOME_IMAGES_FAILED : 0;
}
