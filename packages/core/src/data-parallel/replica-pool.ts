/**
 * The run's side of data-parallel training: the main thread is replica 0 and starts `workers − 1`
 * worker threads (replica-worker.ts), each with its own wasm instance and model. As each phase begins it
 * hands every replica the main model's weights and optimizer state (after a resume, a restored best
 * epoch or the whitening init), and a fresh set of shared buffers; then each step splits the batch,
 * computes its own slice and all-reduces with the others. The main model is the one checkpointed and
 * evaluated; it is identical to every replica after every step.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../contracts/run-config-schema.ts';
import { setLearningRate, type BuildModelOptions } from '../models/build.ts';
import { readAdamBetaPowers } from '../training/checkpoint-files.ts';
import type { PhasePlan } from '../training/phases.ts';
import { predictBatch, type ParallelPredictor } from '../evaluation/evaluate.ts';
import type { FromReplica, ReplicaInit, TensorData, ToReplica } from './replica-messages.ts';
import {
  emptyReplicaStepTiming,
  replicaStep,
  replicaVariables,
  type ReplicaPhase,
  type ReplicaStepTiming,
} from './replica-step.ts';
import {
  AllReduceAborted,
  createSharedGradientBuffers,
  GradientExchange,
  sharedBytes,
  splitRows,
} from './shared-gradients.ts';

export interface ReplicaPoolOptions {
  /** Replicas in all, the main thread's included (≥ 2). */
  workers: number;
  config: RunConfig;
  numClasses: number;
  model: BuildModelOptions;
  trunkCache: boolean;
}

/** Raised when a replica thread fails or exits mid-run: the run fails with this message. */
export class ReplicaFailed extends Error {}

// The packages export TypeScript source, so the thread registers tsx's require hook and requires the
// replica: on Node 20 a worker thread's ESM imports reach no loader hooks (its --import included).
// Resolved when a pool starts, through variables: a bundler (the dashboard's) must not follow them, and
// a process that never trains (the dashboard) needs no tsx.
const TSX_REQUIRE_HOOK = 'tsx/cjs/api';
const REPLICA_ENTRY = './replica-worker.ts';

function workerSource(): string {
  const hook = createRequire(import.meta.url).resolve(/* turbopackIgnore: true */ TSX_REQUIRE_HOOK);
  const entry = fileURLToPath(new URL(/* turbopackIgnore: true */ REPLICA_ENTRY, import.meta.url));
  return [
    `require(${JSON.stringify(hook)}).register();`,
    `require(${JSON.stringify(entry)});`,
  ].join('\n');
}

/** Pools alive in this process: a long-lived trainer must end every one it starts. */
let livePools = 0;
export function liveReplicaPools(): number {
  return livePools;
}

export class ReplicaPool implements ParallelPredictor {
  private failure: ReplicaFailed | null = null;
  private phase: ReplicaPhase | null = null;
  private readonly waiting = new Set<{ type: FromReplica['type']; resolve: () => void }>();
  private closed = false;
  /** The main thread's (replica 0's) steps: where they went, for the bench. */
  readonly timing: ReplicaStepTiming = emptyReplicaStepTiming();
  /** Main-thread work no replica shares: reading the batch out and handing the slices over. */
  distributeMs = 0;
  private readonly onFailure = new Set<(error: ReplicaFailed) => void>();
  /** The main thread's models by the name every replica knows them by (predictionModels). */
  private readonly modelNames = new Map<tf.LayersModel, string>();
  private readonly predictions = new Map<
    number,
    { resolve: (values: Float32Array) => void; reject: (error: Error) => void }
  >();
  private nextPrediction = 0;

  private constructor(
    readonly workers: number,
    private readonly threads: Worker[],
  ) {
    livePools += 1;
    threads.forEach((thread, index) => {
      const rank = index + 1;
      thread.on('message', (message: FromReplica) => this.onMessage(message, rank));
      thread.on('error', (error) =>
        this.fail(`replica ${rank} of ${workers} failed: ${error.message}`),
      );
      thread.on('exit', (code) => {
        if (!this.closed)
          this.fail(`replica ${rank} of ${workers} exited (code ${code}) while training`);
      });
    });
  }

  /** Starts the worker threads and waits until each has built its model. */
  static async start(options: ReplicaPoolOptions): Promise<ReplicaPool> {
    if (!Number.isInteger(options.workers) || options.workers < 2)
      throw new Error(`ReplicaPool: workers must be an integer ≥ 2, got ${options.workers}`);
    const source = workerSource();
    const threads: Worker[] = [];
    try {
      for (let rank = 1; rank < options.workers; rank++) {
        const init: ReplicaInit = {
          rank,
          config: options.config,
          numClasses: options.numClasses,
          model: options.model,
          trunkCache: options.trunkCache,
        };
        threads.push(new Worker(source, { eval: true, workerData: init }));
      }
    } catch (error) {
      await Promise.all(threads.map((thread) => thread.terminate()));
      throw error;
    }
    const pool = new ReplicaPool(options.workers, threads);
    try {
      await pool.everyReplica('ready');
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /** Names the main thread's models as the replicas name theirs (predictionModels), for predictGroup. */
  registerModels(models: Map<string, tf.LayersModel>): void {
    for (const [name, model] of models) this.modelNames.set(model, name);
  }

  /**
   * Predicts a group of batches at once: input 0 on this thread, input i on replica i. A model the
   * replicas do not know is predicted here, batch after batch.
   */
  async predictGroup(model: tf.LayersModel, inputs: tf.Tensor[]): Promise<Float32Array[]> {
    this.throwIfFailed();
    const target = this.modelNames.get(model);
    if (target === undefined || inputs.length > this.workers)
      return Promise.all(inputs.map((input) => predictBatch(model, input)));
    const answers: Promise<Float32Array>[] = [];
    for (const [index, input] of inputs.slice(1).entries()) {
      const thread = this.threads[index];
      if (!thread) throw new Error('ReplicaPool: no replica for a batch');
      const values = new Float32Array((await input.data()) as Float32Array);
      const id = this.nextPrediction++;
      const answer = new Promise<Float32Array>((resolve, reject) =>
        this.predictions.set(id, { resolve, reject }),
      );
      // Awaited once this thread's batch is done: a failure before then must not count as unhandled.
      answer.catch(() => undefined);
      answers.push(answer);
      const message: ToReplica = {
        type: 'predict',
        id,
        target,
        xs: { name: 'xs', values, shape: input.shape },
      };
      thread.postMessage(message, [values.buffer]);
    }
    const own = inputs[0] ? await predictBatch(model, inputs[0]) : new Float32Array(0);
    return [own, ...(await Promise.all(answers))];
  }

  /** Hands every replica the main model's weights (after early stopping restored an epoch's). */
  async syncWeights(model: tf.LayersModel): Promise<void> {
    this.throwIfFailed();
    const weights = await modelWeights(model);
    const ready = this.everyReplica('weights-ready');
    this.post({ type: 'weights', weights });
    await ready;
  }

  /** Bytes of shared memory the current phase's all-reduce uses. */
  get sharedBytes(): number {
    return this.phase ? sharedBytes(this.phase.exchange.buffers) : 0;
  }

  /** Floats all-reduced per step in the current phase. */
  get reducedFloats(): number {
    return this.phase?.variables.length ?? 0;
  }

  /** Hands every replica the main model's weights and the trained model's optimizer state. */
  async beginPhase(plan: PhasePlan, model: tf.LayersModel, trainModel: tf.LayersModel) {
    this.throwIfFailed();
    const variables = replicaVariables(trainModel);
    const buffers = createSharedGradientBuffers(this.workers, variables.length);
    const weights = await modelWeights(model);
    const optimizerWeights = await trainModel.optimizer.getWeights();
    // getWeights() hands out a fresh iteration-count scalar besides the optimizer's own variables.
    const optimizer =
      optimizerWeights.length > 1
        ? {
            weights: await Promise.all(optimizerWeights.map((w) => tensorData(w.name, w.tensor))),
            adamBetaPowers: await readAdamBetaPowers(trainModel.optimizer),
          }
        : null;
    for (const { tensor } of optimizerWeights)
      if (!(tensor instanceof tf.Variable)) tensor.dispose();
    const ready = this.everyReplica('phase-ready');
    this.post({ type: 'phase', plan, buffers, weights, optimizer });
    await ready;
    this.phase = { model: trainModel, variables, exchange: new GradientExchange(buffers, 0) };
  }

  /**
   * One synchronous data-parallel step on the batch: [loss, accuracy] over the whole batch, as
   * trainOnBatch returns them. `learningRate` (null: unchanged) is set on every replica first. The
   * caller disposes xs and ys.
   */
  async trainStep(xs: tf.Tensor, ys: tf.Tensor, learningRate: number | null): Promise<number[]> {
    this.throwIfFailed();
    const phase = this.phase;
    if (!phase) throw new Error('ReplicaPool: trainStep before beginPhase');
    if (learningRate !== null) setLearningRate(phase.model.optimizer, learningRate);
    const distributeStarted = performance.now();
    const batchRows = xs.shape[0] ?? 0;
    const rows = splitRows(batchRows, this.workers);
    const xValues = (await xs.data()) as Float32Array;
    const yValues = (await ys.data()) as Float32Array;
    const xRow = xValues.length / batchRows;
    const yRow = yValues.length / batchRows;
    let start = rows[0] ?? 0;
    this.threads.forEach((thread, index) => {
      const count = rows[index + 1] ?? 0;
      const end = start + count;
      // Copies the thread owns, transferred rather than cloned.
      const xPart = new Float32Array(xValues.subarray(start * xRow, end * xRow));
      const yPart = new Float32Array(yValues.subarray(start * yRow, end * yRow));
      const message: ToReplica = {
        type: 'step',
        xs: { name: 'xs', values: xPart, shape: [count, ...xs.shape.slice(1)] },
        ys: { name: 'ys', values: yPart, shape: [count, ...ys.shape.slice(1)] },
        rows: count,
        learningRate,
      };
      thread.postMessage(message, [xPart.buffer, yPart.buffer]);
      start = end;
    });
    const own = rows[0] ?? 0;
    this.distributeMs += performance.now() - distributeStarted;
    const ownXs = xs.slice(0, own);
    const ownYs = ys.slice(0, own);
    try {
      await replicaStep(
        phase.model,
        phase.variables,
        phase.exchange,
        { xs: ownXs, ys: ownYs, rows: own },
        () => phase.exchange.arriveAsync(() => this.failure),
        this.timing,
      );
    } catch (error) {
      throw (await this.failureAfter(error)) ?? error;
    } finally {
      tf.dispose([ownXs, ownYs]);
    }
    const { loss, acc } = phase.exchange.batchMetrics();
    return [loss, acc];
  }

  /** Where each replica's steps went so far, replica 0 (this thread) first. */
  async stepTimings(): Promise<ReplicaStepTiming[]> {
    this.throwIfFailed();
    const answers = this.threads.map(
      (thread) =>
        new Promise<ReplicaStepTiming>((resolve, reject) => {
          const onMessage = (message: FromReplica) => {
            if (message.type !== 'timing') return;
            thread.off('message', onMessage);
            resolve(message.timing);
          };
          thread.on('message', onMessage);
          this.onFailure.add(reject);
        }),
    );
    this.post({ type: 'timing' });
    return [{ ...this.timing }, ...(await Promise.all(answers))];
  }

  /** Ends the worker threads; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    livePools -= 1;
    this.phase?.exchange.abort();
    this.phase = null;
    await Promise.all(this.threads.map((thread) => thread.terminate()));
  }

  /** For tests: ends one replica thread as a crash would. */
  async killReplica(rank: number): Promise<void> {
    const thread = this.threads[rank - 1];
    if (!thread) throw new Error(`no replica ${rank}`);
    await thread.terminate();
  }

  private post(message: ToReplica): void {
    for (const thread of this.threads) thread.postMessage(message);
  }

  private onMessage(message: FromReplica, rank: number): void {
    if (message.type === 'error') {
      this.fail(`replica ${rank} of ${this.workers} failed: ${message.message}`);
      return;
    }
    if (message.type === 'predicted') {
      this.predictions.get(message.id)?.resolve(message.values);
      this.predictions.delete(message.id);
      return;
    }
    for (const waiter of this.waiting) {
      if (waiter.type === message.type) {
        this.waiting.delete(waiter);
        waiter.resolve();
        return;
      }
    }
  }

  /** Resolves once every worker thread has sent `type`; rejects when one fails first. */
  private everyReplica(type: FromReplica['type']): Promise<void> {
    const each = this.threads.map(
      () =>
        new Promise<void>((resolve, reject) => {
          this.waiting.add({ type, resolve });
          this.onFailure.add(reject);
        }),
    );
    const all = Promise.all(each).then(() => undefined);
    // Awaited later, after other awaits: a failure in between must not count as unhandled.
    all.catch(() => undefined);
    return all;
  }

  private fail(message: string): void {
    if (this.failure || this.closed) return;
    this.failure = new ReplicaFailed(`data-parallel training: ${message}`);
    this.phase?.exchange.abort();
    for (const reject of this.onFailure) reject(this.failure);
    this.onFailure.clear();
    for (const pending of this.predictions.values()) pending.reject(this.failure);
    this.predictions.clear();
  }

  /**
   * The replica failure behind an aborted step. A failing replica aborts the exchange before its error
   * message arrives, and this thread may wake first: wait a moment for the message, which says why.
   */
  private async failureAfter(error: unknown): Promise<ReplicaFailed | null> {
    if (!(error instanceof AllReduceAborted)) return this.failure;
    for (let waited = 0; !this.failure && !this.closed && waited < 2000; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    return this.failure;
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}

async function tensorData(name: string, tensor: tf.Tensor): Promise<TensorData> {
  return { name, values: (await tensor.data()) as Float32Array, shape: tensor.shape };
}

/** Every weight of `model`, in model.weights order: what a replica's setWeights takes. */
function modelWeights(model: tf.LayersModel): Promise<TensorData[]> {
  return Promise.all(model.weights.map((w) => tensorData(w.name, w.read())));
}
