/** The shapes of `sweeps.detail`, as the sweep page's sections receive them. */
import type { RouterOutputs } from '~/server/root.ts';

export type SweepDetailData = RouterOutputs['sweeps']['detail'];
export type Sweep = SweepDetailData['sweep'];
export type Trial = Sweep['trials'][number];
export type ParamSpec = Sweep['definition']['space'][string];
export type ParamValue = Trial['params'][string];
