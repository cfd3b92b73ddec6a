/**
 * What a finished run leaves behind: its report (test metrics, per-class scores, confusion matrix,
 * the most confident mistakes), the trained model in model/, and report.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import type * as tf from '@tensorflow/tfjs';
import type { EpochMetrics } from '../contracts/epoch-metrics.ts';
import type { GradCamFile } from '../contracts/grad-cam-file.ts';
import type { ReportFile } from '../contracts/report-file.ts';
import type { RunReport } from '../contracts/run-report.ts';
import type { LoadedDataset } from '../data/types.ts';
import type { Evaluation } from '../evaluation/evaluate.ts';
import { computeInputReference } from '../evaluation/input-reference.ts';
import {
  classificationReport,
  confusionMatrix,
  mostConfidentMisclassified,
  overfittingGap,
} from '../evaluation/metrics.ts';
import { saveModelToDir } from '../models/file-io.ts';
import { runArtifactPaths } from '../run-folder.ts';

export function buildReport(
  dataset: LoadedDataset,
  history: EpochMetrics[],
  test: Pick<Evaluation, 'loss' | 'acc' | 'probs' | 'predicted'>,
  misclassifiedCount: number,
): RunReport {
  const { classNames } = dataset;
  const labels = dataset.test.labels.subarray(0, dataset.test.count);
  const scores = classificationReport(labels, test.predicted, classNames);
  const name = (label: number) => classNames[label] ?? String(label);
  return {
    testLoss: test.loss,
    testAcc: test.acc,
    overfittingGap: overfittingGap(history),
    classNames,
    perClass: scores.perClass,
    macroAvg: scores.macroAvg,
    weightedAvg: scores.weightedAvg,
    confusionMatrix: confusionMatrix(labels, test.predicted, classNames.length),
    misclassified: mostConfidentMisclassified(test.probs, labels, misclassifiedCount).map((m) => ({
      index: m.index,
      trueLabel: name(m.trueLabel),
      predictedLabel: name(m.predictedLabel),
      confidence: m.confidence,
    })),
    inputReference: computeInputReference(dataset.test, test.probs),
  };
}

/**
 * The best validation epoch of the last phase that ran: the weights the final model carries when early
 * stopping is on (0 when no epoch finished).
 */
export function bestEpochOfLastPhase(history: EpochMetrics[]): number {
  const lastPhase = history.at(-1)?.phase;
  let best: EpochMetrics | null = null;
  for (const metrics of history) {
    if (metrics.phase === lastPhase && (!best || metrics.valAcc > best.valAcc)) best = metrics;
  }
  return best?.epoch ?? 0;
}

/** Writes the trained model into model/, the report file into report.json and the heatmaps into grad-cam.json. */
export async function writeRunOutputs(
  runDir: string,
  model: tf.LayersModel,
  file: ReportFile,
  gradCam: GradCamFile,
): Promise<void> {
  const paths = runArtifactPaths(runDir);
  await mkdir(runDir, { recursive: true });
  await saveModelToDir(model, paths.model);
  await writeFile(paths.gradCam, JSON.stringify(gradCam));
  await writeFile(paths.report, JSON.stringify(file));
}
