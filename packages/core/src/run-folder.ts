/**
 * A run's folder (`<runs dir>/<id>/`), as the trainer writes it and the dashboard reads it: the
 * checkpoint of the last finished epoch, the trained model in TensorFlow.js format, and report.json
 * (its contents: reportFileSchema in @convlab/core/contracts).
 */
import path from 'node:path';

export const RUN_FOLDER = {
  checkpoint: 'checkpoint',
  model: 'model',
  /** The model's topology and weights manifest, inside `model`. */
  modelJson: 'model.json',
  report: 'report.json',
  /** Grad-CAM heatmaps of the most confident mistakes (gradCamFileSchema). */
  gradCam: 'grad-cam.json',
} as const;

export interface RunArtifactPaths {
  dir: string;
  checkpoint: string;
  model: string;
  modelJson: string;
  report: string;
  gradCam: string;
}

export function runArtifactPaths(runDir: string): RunArtifactPaths {
  const model = path.join(runDir, RUN_FOLDER.model);
  return {
    dir: runDir,
    checkpoint: path.join(runDir, RUN_FOLDER.checkpoint),
    model,
    modelJson: path.join(model, RUN_FOLDER.modelJson),
    report: path.join(runDir, RUN_FOLDER.report),
    gradCam: path.join(runDir, RUN_FOLDER.gradCam),
  };
}
