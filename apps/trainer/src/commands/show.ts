import { parseArgs } from 'node:util';
import {
  describeProgress,
  layerTrainingRole,
  progressText,
  TIMED_PARTS,
  type ModelSummary,
  type RunTiming,
} from '@convlab/core/contracts';
import { getRunDetail } from '@convlab/db';
import { CliError } from '../cli-error.ts';
import { withDatabase } from '../database.ts';
import { formatPercent, formatTable, printable } from '../text-table.ts';

export async function showCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      summary: { type: 'boolean', default: false },
    },
  });
  const [id] = positionals;
  if (!id) throw new CliError('usage: convlab show <id> [--summary] [--json]');
  const detail = await withDatabase((db) => getRunDetail(db, id));
  if (!detail) throw new CliError(`no run with id ${id}`);
  if (values.json) {
    console.log(JSON.stringify(detail));
    return 0;
  }
  if (values.summary) {
    if (!detail.modelSummary)
      throw new CliError(
        `run ${detail.id} has no model summary yet: it is recorded when training starts`,
      );
    printModelSummary(detail.modelSummary);
    return 0;
  }
  const { epochs, report } = detail;
  console.log(`${detail.id}  ${printable(detail.name)}`);
  console.log(`status:   ${detail.status}${detail.cancelRequested ? ' (cancel requested)' : ''}`);
  console.log(
    `preset:   ${detail.preset} v${detail.presetVersion} on ${printable(detail.dataset)}`,
  );
  console.log(
    `backend:  ${detail.backend ?? '-'}${detail.backendDevice ? ` on ${printable(detail.backendDevice)}` : ''}${workersText(detail.workers)}   attempts: ${detail.attempts}/${detail.maxAttempts}`,
  );
  if (detail.workersNote) console.log(`workers:  ${printable(detail.workersNote)}`);
  const view = describeProgress(detail);
  const progress = view ? progressText(view) : null;
  if (progress) console.log(`progress: ${progress}`);
  if (detail.error) console.log(`error:    ${printable(detail.error)}`);
  if (detail.configError) console.log(`config:   invalid (${printable(detail.configError)})`);
  if (detail.skipped) {
    const kinds = Object.entries(detail.skipped.byKind).map(([kind, n]) => `${n} ${kind}`);
    console.log(`skipped:  ${detail.skipped.count} dataset files (${kinds.join(', ')})`);
    for (const e of detail.skipped.examples)
      console.log(`          ${printable(e.file)}: ${printable(e.reason)}`);
  }
  if (detail.config) console.log(`config:   ${JSON.stringify(detail.config)}`);
  for (const verdict of detail.verdicts)
    console.log(`verdict:  ${verdict.label}: ${verdict.message}`);
  if (detail.timing) console.log(`timing:   ${timingLine(detail.timing)}`);
  if (epochs.length > 0) {
    console.log('');
    console.log(
      formatTable(
        ['EPOCH', 'PHASE', 'LOSS', 'ACC', 'VAL LOSS', 'VAL ACC', 'LR', 'SECONDS'],
        epochs.map((e) => [
          String(e.epoch),
          e.phase,
          e.loss.toFixed(4),
          formatPercent(e.acc),
          e.valLoss.toFixed(4),
          formatPercent(e.valAcc),
          e.lr.toExponential(1),
          e.seconds.toFixed(1),
        ]),
      ),
    );
  }
  if (report) {
    console.log('');
    console.log(
      `test acc ${formatPercent(report.testAcc)}  test loss ${report.testLoss.toFixed(4)}  ` +
        `macro F1 ${report.macroAvg.f1.toFixed(3)}  overfitting gap ${formatPercent(report.overfittingGap)}`,
    );
    console.log(
      formatTable(
        ['CLASS', 'PRECISION', 'RECALL', 'F1', 'SUPPORT'],
        report.perClass.map((c) => [
          c.label,
          c.precision.toFixed(3),
          c.recall.toFixed(3),
          c.f1.toFixed(3),
          String(c.support),
        ]),
      ),
    );
  }
  return 0;
}

/** The model as Keras prints it: one row per layer, then the totals. */
function printModelSummary(summary: ModelSummary): void {
  const number = (n: number) => n.toLocaleString('en-US');
  console.log(`model: ${printable(summary.name)}`);
  console.log(
    formatTable(
      ['LAYER', 'KIND', 'OUTPUT SHAPE', 'PARAMS', 'TRAINS'],
      summary.layers.map((layer) => [
        printable(layer.name),
        layer.kind,
        `(${layer.outputShape.map((d) => d ?? 'None').join(', ')})`,
        number(layer.params),
        layerTrainingRole(layer) ?? '',
      ]),
    ),
  );
  console.log(`total params:         ${number(summary.totalParams)}`);
  console.log(`trainable params:     ${number(summary.trainableParams)}`);
  console.log(`non-trainable params: ${number(summary.nonTrainableParams)}`);
  if (summary.fineTunedParams > 0)
    console.log(`fine-tuning also trains: ${number(summary.fineTunedParams)}`);
}

/** "1,830 img/s · loading 2.1 s · caching 0 s · training 41.0 s · validation 3.2 s · evaluation 1.1 s". */
function timingLine(timing: RunTiming): string {
  const parts = TIMED_PARTS.map((part) => `${part} ${timing.seconds[part].toFixed(1)} s`);
  const phases =
    timing.phases.length > 1
      ? ` (${timing.phases.map((p) => `${p.phase} ${formatRate(p.imagesPerSecond)}`).join(', ')})`
      : '';
  return `${formatRate(timing.imagesPerSecond)}${phases} · ${parts.join(' · ')}`;
}

function formatRate(imagesPerSecond: number): string {
  return `${Math.round(imagesPerSecond).toLocaleString('en-US')} img/s`;
}

/** " · 2 workers" after the backend, once the run has started. */
function workersText(workers: number | null): string {
  return workers === null ? '' : ` · ${workers} worker${workers === 1 ? '' : 's'}`;
}
