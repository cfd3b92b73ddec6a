/**
 * `convlab predict <runId> <image>... [--top 5] [--json]`: a completed run's model on the user's own
 * pictures. Each image is decoded, resized and scaled exactly as the run's test images were (core's
 * imageForPrediction + predictStoredImages), so a test image saved as a PNG gets evaluation's
 * probabilities. An image that cannot be read is reported on its own line and the others still run;
 * the exit code is then 3 (1 stays for errors that print no results: unknown run, database down).
 * A prediction whose image looks unlike the run's test images (inverted, of unusual brightness or
 * contrast, one the model is unusually unsure of) carries the reasons, and the human output a warning
 * line; it is still printed.
 * With `--explain <dir>`, each predicted image also gets Grad-CAM overlays written there as PNGs: the
 * predicted class's, and each `--class <label>`'s; `--json` then adds each map's file and where it peaks.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  decodeForPrediction,
  explainSetImages,
  ImageRejected,
  initBackend,
  inputReferenceFromReportFile,
  loadLayersModelFromFiles,
  overlayPng,
  predictedClass,
  predictImages,
  readImageFile,
  storedImageSet,
  storedImageShape,
  type ClassProbability,
  type Explanations,
  type InputAssessment,
} from '@convlab/core';
import type { RunConfig } from '@convlab/core/contracts';
import { readRunModelFiles } from '@convlab/db';
import { z } from 'zod';
import { CliError } from '../cli-error.ts';
import { withDatabase } from '../database.ts';
import { readTrainerEnv } from '../env.ts';
import { formatPercent, formatTable, printable } from '../text-table.ts';

const USAGE =
  'usage: convlab predict <runId> <image.png|jpg>... [--top N] [--explain <dir> [--class <label>]...] [--json]';
/** More files than this in one call is a mistake (or a job for a script and a loop). */
const MAX_IMAGES = 1000;

/** One Grad-CAM overlay written by --explain. */
interface ExplanationFile {
  classIndex: number;
  label: string;
  probability: number;
  /** Where the heatmap peaks, as fractions of the width and height from the top left. */
  peak: { x: number; y: number };
  /** The overlay PNG. */
  file: string;
}

type ImageResult =
  | {
      file: string;
      ok: true;
      top: ClassProbability[];
      probabilities: number[];
      /** null when the run's report predates input references. */
      outOfDistribution: InputAssessment | null;
      /** With --explain only. */
      explanations?: ExplanationFile[];
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
    options: {
      top: { type: 'string', default: '5' },
      json: { type: 'boolean', default: false },
      explain: { type: 'string' },
      class: { type: 'string', multiple: true, default: [] },
    },
  });
  const [runId, ...files] = positionals;
  if (!runId || files.length === 0) throw new CliError(USAGE, 2);
  if (files.length > MAX_IMAGES)
    throw new CliError(`at most ${MAX_IMAGES} images per call, got ${files.length}`, 2);
  const top = z.coerce.number().int().min(1).max(1000).safeParse(values.top);
  if (!top.success) throw new CliError('invalid --top: expected an integer from 1 to 1000', 2);
  if (values.class.length > 0 && values.explain === undefined)
    throw new CliError('--class names a class to explain: it needs --explain <dir>', 2);
  if (values.explain === '') throw new CliError('--explain needs a folder', 2);
  const env = readTrainerEnv();
  const source = await withDatabase((db) => readRunModelFiles(db, runId));
  const extraClasses = values.class.map((label) => {
    const index = source.classNames.indexOf(label);
    if (index < 0)
      throw new CliError(
        `--class ${printable(label)}: run ${runId} has no such class (${source.classNames.map(printable).join(', ')})`,
        2,
      );
    return index;
  });
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
  let explanations: (ExplanationFile[] | undefined)[] = [];
  try {
    predictions = await predictImages(
      model,
      source.config,
      source.classNames,
      decoded,
      top.data,
      inputReference,
    );
    if (values.explain !== undefined)
      explanations = await writeExplanations(
        values.explain,
        files,
        decoded,
        extraClasses,
        (images, classes) =>
          // The predicted class first, then each --class once.
          explainSetImages(
            model,
            storedImageSet(source.config, images, source.classNames.length),
            images.map((_, i) => i),
            source.config,
            source.classNames,
            (probabilities) => [...new Set([predictedClass(probabilities), ...classes])],
          ),
        source.config,
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
          ...(explanations[i] ? { explanations: explanations[i] } : {}),
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
      for (const explained of result.explanations ?? [])
        console.log(
          `  heatmap for ${printable(explained.label)}: ${printable(explained.file)} (peak at ${explained.peak.x.toFixed(2)}, ${explained.peak.y.toFixed(2)} of width, height)`,
        );
    }
  }
  if (failed > 0) console.error(`convlab: ${failed} of ${files.length} images could not be read`);
  return failed > 0 ? SOME_IMAGES_FAILED : 0;
}

/** A class label as part of a file name. */
function fileNamePart(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || '_';
}

/**
 * Writes one overlay PNG per decoded image and class into `dir` (`<image name>.<class>.png`, numbered
 * when two images share a name) and says what each holds.
 */
async function writeExplanations(
  dir: string,
  files: string[],
  decoded: (Uint8Array | string)[],
  extraClasses: number[],
  explain: (images: Uint8Array[], classes: number[]) => Promise<Explanations>,
  config: RunConfig,
): Promise<(ExplanationFile[] | undefined)[]> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'failed';
    throw new CliError(`--explain ${printable(dir)}: cannot create the folder (${reason})`, 1);
  }
  const positions = decoded.flatMap((image, i) => (typeof image === 'string' ? [] : [i]));
  const images = positions.map((i) => decoded[i] as Uint8Array);
  if (images.length === 0) return [];
  const explained = await explain(images, extraClasses);
  const { size, channels } = storedImageShape(config);
  const used = new Set<string>();
  const result: (ExplanationFile[] | undefined)[] = decoded.map(() => undefined);
  for (const [k, position] of positions.entries()) {
    const stem = fileNamePart(path.parse(files[position] ?? 'image').name);
    let name = stem;
    for (let n = 2; used.has(name); n++) name = `${stem}-${n}`;
    used.add(name);
    const image = { pixels: images[k]!, width: size, height: size, channels };
    result[position] = await Promise.all(
      (explained.images[k] ?? []).map(async (heat) => {
        const file = path.join(dir, `${name}.${fileNamePart(heat.label)}.png`);
        await writeFile(file, overlayPng(image, heat.map, explained.width, explained.height));
        const { classIndex, label, probability, peak } = heat;
        return { classIndex, label, probability, peak, file };
      }),
    );
  }
  return result;
}
