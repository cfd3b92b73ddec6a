/** How a compared run is named and coloured in every table and chart of the comparison. */
import type { RouterOutputs } from '~/server/root.ts';

export type ComparedRun = RouterOutputs['runs']['compare']['runs'][number];

/** What a run label needs; a narrower type so labels can be tested without a whole run. */
type NamedRun = Pick<ComparedRun, 'id' | 'name' | 'preset' | 'dataset'>;

const RUN_COLOURS = ['#2f6fde', '#e0762b', '#1f8a4c', '#8e44ad', '#c0392b', '#16a085'] as const;

/** Names longer than this would not fit a chart axis or a table header, so the preset stands in. */
const MAX_LABEL_NAME = 20;

export function colourOf(index: number): string {
  return RUN_COLOURS[index % RUN_COLOURS.length] ?? '#333';
}

/** Series keys are positional (`r0`…`r3`): run names may repeat or contain dots recharts would parse. */
export function seriesKey(index: number): string {
  return `r${index}`;
}

/** The end of the id, unique enough among a handful of runs. */
export function shortId(run: Pick<ComparedRun, 'id'>): string {
  return run.id.slice(-6);
}

/** Generated names ("seed-cnn on mnist", "lab experiment …") say less than the preset does. */
function hasOwnName(run: NamedRun): boolean {
  return run.name !== `${run.preset} on ${run.dataset}` && !run.name.startsWith('lab experiment');
}

/**
 * What a person recognises a run by: its own name when it has a short one, else its preset, with the
 * short id so two runs never share a label ("baseline · f4sgv8", "seed-cnn · f4sgv8").
 */
export function runLabel(run: NamedRun): string {
  const what = hasOwnName(run) && run.name.length <= MAX_LABEL_NAME ? run.name : run.preset;
  return `${what} · ${shortId(run)}`;
}

/** The full name and id, for the tooltip of every place that shows runLabel. */
export function runTitle(run: Pick<ComparedRun, 'id' | 'name'>): string {
  return `${run.name} (${run.id})`;
}

/** The overfitting gap from the epochs, for runs without a report yet. */
export function gapOf(run: ComparedRun): number | null {
  if (run.epochs.length === 0) return null;
  return Math.max(...run.epochs.map((e) => e.acc)) - Math.max(...run.epochs.map((e) => e.valAcc));
}
