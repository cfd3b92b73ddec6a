import { BUILTIN_DATASETS, PRESET_NAMES, PRESETS } from '@convlab/core/contracts';
import { readProcedure } from '../../trpc.ts';

/** Core's presets, in the order the lab introduces them, plus the built-in datasets. */
export const listPresetsProcedure = readProcedure.query(() => ({
  presets: PRESET_NAMES.map((name) => PRESETS[name]),
  datasets: [...BUILTIN_DATASETS],
}));
