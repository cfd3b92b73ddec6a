/**
 * A data-parallel replica: a worker thread with its own TensorFlow.js wasm instance and its own copy of
 * the run's model. The main thread sends it the model's weights as each phase begins and a slice of
 * every batch; the gradients meet in shared memory (replica-step.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { activateBackend } from '../backend/select.ts';
import { predictBatch } from '../evaluation/evaluate.ts';
import {
  buildModel,
  disposeConvlabModel,
  setLearningRate,
  type ConvlabModel,
} from '../models/build.ts';
import { restoreOptimizer } from '../training/checkpoint-files.ts';
import { planTrunkCache, type TrunkPlan } from '../training/fill-caches.ts';
import { beginPhaseModels, predictionModels } from '../training/phase-models.ts';
import type { FromReplica, ReplicaInit, TensorData, ToReplica } from './replica-messages.ts';
import {
  emptyReplicaStepTiming,
  replicaStep,
  replicaVariables,
  type ReplicaPhase,
} from './replica-step.ts';
import { GradientExchange } from './shared-gradients.ts';

const init = workerData as ReplicaInit;
const port = parentPort;
if (!port) throw new Error('replica-worker runs as a worker thread');

let built: ConvlabModel | null = null;
let trunk: TrunkPlan | null = null;
let models = new Map<string, tf.LayersModel>();
let phase: ReplicaPhase | null = null;
const timing = emptyReplicaStepTiming();

function send(message: FromReplica): void {
  port?.postMessage(message);
}

function tensorOf(data: TensorData): tf.Tensor {
  return tf.tensor(data.values, data.shape);
}

async function start(): Promise<void> {
  await activateBackend('wasm');
  built = await buildModel(init.config, init.numClasses, init.model);
  trunk = init.trunkCache
    ? planTrunkCache(built, init.config.fineTuneLayers, init.config.augment)
    : null;
  models = predictionModels(built, trunk);
  send({ type: 'ready' });
}

function setModelWeights(model: tf.LayersModel, data: TensorData[]): void {
  const weights = data.map(tensorOf);
  model.setWeights(weights);
  tf.dispose(weights);
}

async function handle(message: ToReplica): Promise<void> {
  if (!built) throw new Error('replica not started');
  if (message.type === 'phase') {
    const { trainModel } = beginPhaseModels(built, message.plan, trunk, init.config);
    setModelWeights(built.model, message.weights);
    if (message.optimizer) {
      const named = message.optimizer.weights.map((w) => ({ name: w.name, tensor: tensorOf(w) }));
      await restoreOptimizer(trainModel.optimizer, named, message.optimizer.adamBetaPowers);
      tf.dispose(named.map((w) => w.tensor));
    }
    phase = {
      model: trainModel,
      variables: replicaVariables(trainModel),
      exchange: new GradientExchange(message.buffers, init.rank),
    };
    send({ type: 'phase-ready' });
    return;
  }
  if (message.type === 'timing') {
    send({ type: 'timing', timing });
    return;
  }
  if (message.type === 'weights') {
    setModelWeights(built.model, message.weights);
    send({ type: 'weights-ready' });
    return;
  }
  if (message.type === 'predict') {
    const model = models.get(message.target);
    if (!model) throw new Error(`no model "${message.target}" to predict with`);
    const xs = tensorOf(message.xs);
    try {
      const values = new Float32Array(await predictBatch(model, xs));
      port?.postMessage({ type: 'predicted', id: message.id, values } satisfies FromReplica, [
        values.buffer,
      ]);
    } finally {
      xs.dispose();
    }
    return;
  }
  if (!phase) throw new Error('step before any phase');
  if (message.learningRate !== null) setLearningRate(phase.model.optimizer, message.learningRate);
  const xs = tensorOf(message.xs);
  const ys = tensorOf(message.ys);
  try {
    const { exchange } = phase;
    await replicaStep(
      phase.model,
      phase.variables,
      exchange,
      { xs, ys, rows: message.rows },
      () => exchange.arriveBlocking(),
      timing,
    );
  } finally {
    tf.dispose([xs, ys]);
  }
}

// One message at a time, in order: a step must not start before the phase it belongs to is set up.
let queue: Promise<void> = start();
function fail(error: unknown): void {
  phase?.exchange.abort();
  send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}
queue = queue.catch(fail);
port.on('message', (message: ToReplica) => {
  queue = queue.then(() => handle(message)).catch(fail);
});
port.on('close', () => {
  if (built) disposeConvlabModel(built);
});
