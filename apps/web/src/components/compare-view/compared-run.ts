/** How a compared run is named and coloured in every table and chart of the comparison. */
import type { RouterOutputs } from '~/server/root.ts';

export type ComparedRun = RouterOutputs['runs']['compare']['runs'][number];

const RUN_COLOURS = ['#2f6fde', '#e0762b', '#1f8a4c', '#8e44ad'] as const;

export function colourOf(index: number): string {
  return RUN_COLOURS[index % RUN_COLOURS.length] ?? '#333';
}

/** Series keys are positional (`r0`…`r3`): run names may repeat or contain dots recharts would parse. */
export function seriesKey(index: number): string {
  return `r${index}`;
}

export function runLabel(run: ComparedRun): string {
  return `${run.name} (${run.id.slice(-6)})`;
}

/** The overfitting gap from the epochs, for runs without a report yet. */
export function gapOf(run: ComparedRun): number | null {
  if (run.epochs.length === 0) return null;
  return Math.max(...run.epochs.map((e) => e.acc)) - Math.max(...run.epochs.map((e) => e.valAcc));
}
