/**
 * Data-parallel training in `npm run bench`: one run's training step on N worker threads
 * (@convlab/core's ReplicaPool) against the same step on one, paired (paired.ts) between two warm
 * processes; N workers against PyTorch with N threads; and the all-reduce's cost per step for each
 * preset, with the scaling model for more cores that follows from it.
 */
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import {
  beginPhaseModels,
  fineTunePlan,
  planPhases,
  planTrunkCache,
  ReplicaPool,
  type ReplicaStepTiming,
} from '@convlab/core';
import { sharedAssetsDir } from '@convlab/core/paths';
import { noWeights, presetModel, useWasm, type BenchCase, type BenchResult } from './cases.ts';
import { mobileNetDir } from './mobilenet-reference.ts';
import { randomBatch } from './random-batch.ts';
import { timeSteps } from './timing.ts';

/** What a worker case trains: a CNN preset's whole model, or transfer-plus's fine-tuning on its trunk. */
export const WORKER_TARGETS = ['seed-cnn', 'cnn-plus', 'transfer-plus-fine-tune'] as const;
export type WorkerTarget = (typeof WORKER_TARGETS)[number];

interface WorkerStep {
  /** Images per step. */
  batch: number;
  step: () => Promise<void>;
  /** The pool (null on one worker), for the all-reduce's timings. */
  pool: ReplicaPool | null;
  close: () => Promise<void>;
}

/** Sets up `target`'s training step on `workers` threads, on a fixed random batch. */
export async function workerStep(target: WorkerTarget, workers: number): Promise<WorkerStep> {
  await useWasm(true);
  const transfer = target === 'transfer-plus-fine-tune';
  const { config, built } = transfer
    ? await presetModel('transfer-plus', { weightsUrl: mobileNetDir(sharedAssetsDir()) })
    : await presetModel(target);
  const plan = transfer ? fineTunePlan(config) : planPhases(config)[0];
  if (!plan) throw new Error(`${target}: no phase to train`);
  const trunk = transfer ? planTrunkCache(built, config.fineTuneLayers, false) : null;
  if (transfer && !trunk) throw new Error('transfer-plus has no trunk cut');
  const { trainModel } = beginPhaseModels(built, plan, trunk, config);
  const batch = config.batchSize;
  const { x, y } = trunk
    ? {
        x: tf.randomUniform([batch, ...trunk.split.cutShape], 0, 1),
        y: tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32'), 10).toFloat(),
      }
    : randomBatch(batch);
  const pool =
    workers > 1
      ? await ReplicaPool.start({
          workers,
          config,
          numClasses: 10,
          model: {},
          trunkCache: trunk !== null,
        })
      : null;
  await pool?.beginPhase(plan, built.model, trainModel);
  const step = pool
    ? async () => void (await pool.trainStep(x, y, null))
    : async () => void (await trainModel.trainOnBatch(x, y));
  await step();
  return {
    batch,
    step,
    pool,
    close: async () => {
      await pool?.close();
      tf.dispose([x, y]);
    },
  };
}

/** `<target>-train-w<N>` → the target and worker count, or null. */
export function parseWorkerRounds(name: string): { target: WorkerTarget; workers: number } | null {
  const match = /^(seed-cnn|cnn-plus|transfer-plus-fine-tune)-train-w(\d+)$/.exec(name);
  if (!match) return null;
  return { target: match[1] as WorkerTarget, workers: Number(match[2]) };
}

/** A round of the worker step: img/s over at least `roundMs` and 2 steps. */
export async function workerRoundTimer(
  target: WorkerTarget,
  workers: number,
  roundMs: number,
): Promise<() => Promise<number>> {
  const { batch, step } = await workerStep(target, workers);
  return async () => {
    const timing = await timeSteps(step, { warmup: 0, minSteps: 2, minMs: roundMs });
    return (batch * timing.steps * 1000) / timing.wallMs;
  };
}

/** Per-step means of a replica's timing. */
function perStep(timing: ReplicaStepTiming) {
  const mean = (ms: number) => Math.round((ms / Math.max(1, timing.steps)) * 100) / 100;
  return {
    gradientsMs: mean(timing.gradientsMs),
    exchangeMs: mean(timing.exchangeMs),
    waitMs: mean(timing.waitMs),
    applyMs: mean(timing.applyMs),
  };
}

/**
 * The all-reduce's cost per step for one target on 2 workers, and the scaling model that follows: a
 * step on N workers is a fixed part F (handing out the slices, the exchange, the optimizer step, the
 * smaller barrier wait: each replica copies its P floats in, reduces P/N floats from N slots and reads P
 * back, so none of it shrinks with N) plus compute that divides by N. With f = F / T(2):
 * speedup(N) = speedup(2) / (f + (1 − f) · 2 / N). Optimistic where the machine is not: the wait for
 * the slowest of N replicas grows with N, and N replicas' traffic shares one memory bus.
 */
async function allReduceCost(target: WorkerTarget): Promise<Record<string, unknown>> {
  const measure = { warmup: 3, minSteps: 12, minMs: 6000 };
  const one = await workerStep(target, 1);
  const single = await timeSteps(one.step, measure);
  await one.close();
  const two = await workerStep(target, 2);
  const pool = two.pool;
  if (!pool) throw new Error('no pool');
  const before = await pool.stepTimings();
  const distributeBefore = pool.distributeMs;
  const paired = await timeSteps(two.step, measure);
  const after = await pool.stepTimings();
  const floats = pool.reducedFloats;
  const sharedBytes = pool.sharedBytes;
  const distributeMs = (pool.distributeMs - distributeBefore) / paired.steps;
  await two.close();
  const replicas = after.map((timing, i) => {
    const start = before[i];
    if (!start) throw new Error('missing replica timing');
    return perStep({
      steps: timing.steps - start.steps,
      gradientsMs: timing.gradientsMs - start.gradientsMs,
      exchangeMs: timing.exchangeMs - start.exchangeMs,
      waitMs: timing.waitMs - start.waitMs,
      applyMs: timing.applyMs - start.applyMs,
    });
  });
  const worst = (key: keyof ReturnType<typeof perStep>) => Math.max(...replicas.map((r) => r[key]));
  const oneStepMs = single.wallMs / single.steps;
  const twoStepMs = paired.wallMs / paired.steps;
  const fixedMs =
    distributeMs +
    worst('exchangeMs') +
    worst('applyMs') +
    Math.min(...replicas.map((r) => r.waitMs));
  const fixedShare = Math.min(1, fixedMs / twoStepMs);
  const speedup = oneStepMs / twoStepMs;
  const predicted = (n: number) =>
    Math.round((speedup / (fixedShare + ((1 - fixedShare) * 2) / n)) * 100) / 100;
  return {
    target,
    batch: two.batch,
    floatsPerStep: floats,
    slotBytes: floats * 4,
    sharedBytes,
    oneWorkerStepMs: Math.round(oneStepMs * 10) / 10,
    twoWorkerStepMs: Math.round(twoStepMs * 10) / 10,
    measuredSpeedup: Math.round(speedup * 100) / 100,
    distributeMs: Math.round(distributeMs * 100) / 100,
    replicas,
    fixedMs: Math.round(fixedMs * 100) / 100,
    fixedShare: Math.round(fixedShare * 1000) / 1000,
    predictedSpeedup: { 2: predicted(2), 4: predicted(4), 8: predicted(8), 16: predicted(16) },
  };
}

export const ALL_REDUCE_CASE: BenchCase = {
  name: 'all-reduce-cost',
  timeoutMs: 10 * 60_000,
  run: async (): Promise<BenchResult> => {
    if (availableParallelism() < 2) return { status: 'skipped', reason: 'needs 2 cores' };
    const targets = [];
    for (const target of WORKER_TARGETS) {
      const skip = target === 'transfer-plus-fine-tune' ? noWeights() : null;
      targets.push(skip ? { target, ...skip } : await allReduceCost(target));
    }
    return {
      status: 'ok',
      backend: 'wasm',
      workers: 2,
      targets,
      note:
        'per step, unpaired (1 worker, then 2, in one process): exchange = slot copy + reduce of its ' +
        'share; wait = barrier waits; predictedSpeedup(N) = measuredSpeedup / (fixedShare + ' +
        '(1 − fixedShare) · 2 / N), optimistic: waits grow with N and memory bandwidth is shared; ' +
        'the *-2-workers-vs-1 cases give the paired speedup',
    };
  },
};
