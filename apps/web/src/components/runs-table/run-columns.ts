/** The leaderboard's rows and columns: what each column shows and sorts by. */
import { secondsBetween } from '~/lib/format.ts';
import type { RouterInputs, RouterOutputs } from '~/server/root.ts';

export type Run = RouterOutputs['runs']['list']['runs'][number];
export type Filters = Exclude<RouterInputs['runs']['list'], void | undefined>;

/** Wall time: training seconds when known, else elapsed since start (to now while running). */
export function wallSeconds(run: Run, now: Date): number | null {
  return (
    run.trainSeconds ??
    secondsBetween(run.startedAt, run.finishedAt ?? (run.status === 'running' ? now : null))
  );
}

export interface Column {
  key: string;
  label: string;
  numeric?: boolean;
  /** Hidden on narrow screens (the leaderboard must fit 1024 px with its actions). */
  optional?: boolean;
  value: (run: Run, now: Date) => number | string | null;
}

export const COLUMNS: Column[] = [
  { key: 'name', label: 'Run', value: (run) => run.name },
  { key: 'status', label: 'Status', value: (run) => run.status },
  { key: 'preset', label: 'Preset', value: (run) => run.preset },
  { key: 'dataset', label: 'Dataset', value: (run) => run.dataset },
  { key: 'bestValAcc', label: 'Best val acc', numeric: true, value: (run) => run.bestValAcc },
  { key: 'testAcc', label: 'Test acc', numeric: true, value: (run) => run.testAcc },
  { key: 'macroF1', label: 'Macro F1', numeric: true, value: (run) => run.macroF1 },
  {
    key: 'paramCount',
    label: 'Params',
    numeric: true,
    optional: true,
    value: (run) => run.paramCount,
  },
  { key: 'epochs', label: 'Epochs', numeric: true, value: (run) => run.currentEpoch },
  { key: 'wall', label: 'Wall time', numeric: true, value: (run, now) => wallSeconds(run, now) },
  { key: 'backend', label: 'Backend', optional: true, value: (run) => run.backend },
  {
    key: 'createdAt',
    label: 'Queued',
    numeric: true,
    optional: true,
    value: (run) => run.createdAt.getTime(),
  },
];
