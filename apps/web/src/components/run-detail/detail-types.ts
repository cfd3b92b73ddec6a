/** The shapes of `runs.detail`, as the run page's sections receive them. */
import type { RouterOutputs } from '~/server/root.ts';

export type RunDetailData = RouterOutputs['runs']['detail'];
export type DetailRun = RunDetailData['run'];
export type RunReport = NonNullable<DetailRun['report']>;
export type RunArtifact = RunDetailData['artifacts'][number];
export type ConfusionCell = { actual: number; predicted: number };
