import type { TRPCRouterRecord } from '@trpc/server';
import { listPresetsProcedure } from './presets-list.ts';

export const presetsRouter = {
  list: listPresetsProcedure,
} satisfies TRPCRouterRecord;
