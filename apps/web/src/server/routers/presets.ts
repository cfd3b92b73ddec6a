import { BUILTIN_DATASETS, PRESET_NAMES, PRESETS } from '@convlab/core/contracts';
import type { TRPCRouterRecord } from '@trpc/server';
import { readProcedure } from '../trpc.ts';

export const presetsRouter = {
  /** Core's presets, in the order the lab introduces them, plus the built-in datasets. */
  list: readProcedure.query(() => ({
    presets: PRESET_NAMES.map((name) => PRESETS[name]),
    datasets: [...BUILTIN_DATASETS],
  })),
} satisfies TRPCRouterRecord;
