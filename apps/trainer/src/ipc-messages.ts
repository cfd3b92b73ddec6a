/**
 * What a daemon and its run processes say to each other over Node's IPC channel, with one parser per
 * message so each side checks what it receives (a message is dropped, never trusted, when it does not
 * parse): the daemon asks a run to stop (a cancel or a shutdown); a run reports its progress about
 * once a second for the daemon's terminal lines.
 */
import type { TrainProgress } from '@convlab/core';
import { z } from 'zod';

export const stopMessageSchema = z.object({
  type: z.literal('stop'),
  reason: z.enum(['cancel', 'shutdown']),
});
export type StopMessage = z.infer<typeof stopMessageSchema>;

const count = z.number().int().min(0);
const eta = { etaSeconds: z.number(), etaLowerBound: z.boolean() };
const trainProgressSchema = z.discriminatedUnion('stage', [
  z.object({
    stage: z.literal('train'),
    epoch: count,
    totalEpochs: count,
    batch: count,
    totalBatches: count,
    loss: z.number(),
    acc: z.number(),
    ...eta,
  }),
  z.object({
    stage: z.literal('cache'),
    cache: z.enum(['features', 'trunk']),
    set: z.enum(['train', 'val']),
    epoch: count,
    totalEpochs: count,
    imagesDone: count,
    imagesTotal: count,
    ...eta,
  }),
]);

export const progressMessageSchema = z.object({
  type: z.literal('progress'),
  progress: trainProgressSchema,
  batchSize: z.number().int().min(1),
});
export interface ProgressMessage {
  type: 'progress';
  progress: TrainProgress;
  batchSize: number;
}

/** A stop request, or null when `message` is not one. */
export function parseStopMessage(message: unknown): StopMessage | null {
  const parsed = stopMessageSchema.safeParse(message);
  return parsed.success ? parsed.data : null;
}

/** A progress report, or null when `message` is not one. */
export function parseProgressMessage(message: unknown): ProgressMessage | null {
  const parsed = progressMessageSchema.safeParse(message);
  return parsed.success ? parsed.data : null;
}
