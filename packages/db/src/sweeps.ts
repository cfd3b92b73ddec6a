/**
 * Sweeps: a search over run configs whose trials are ordinary runs (Run.sweepId). Grid and random
 * sweeps queue every trial at once. ASHA trials stop at each rung's epoch (Run.epochLimit); the
 * process that finishes a rung calls finishTrialRung, which marks the trial pruned and promotes the
 * trials ASHA's rule picks (core's ashaDecide) back into the queue, to resume from their checkpoints.
 * That decision runs in one transaction that first writes the sweep's row, so deciders are serialized
 * (SQLite: the write lock; PostgreSQL: the row lock) and each sees the others' promotions.
 * This file holds the writes; what the CLI and dashboard read is in sweep-read-models.ts.
 */
import { formatZodIssue, runNameSchema, type RunConfig } from '@convlab/core/contracts';
import {
  ashaDecide,
  InvalidSweepError,
  planSweep,
  sweepDefinitionSchema,
  type AshaTrial,
  type SweepDefinition,
} from '@convlab/core/sweep';
import { z } from 'zod';
import type { PrismaClient, Sweep } from './generated/prisma/client.ts';
import { SweepNotFoundError } from './errors.ts';
import { notifyRunQueued } from './queue-notify.ts';
import { fitRunName } from './run-name.ts';
import { newRunId, newSweepId } from './run-id.ts';
import { parseRungEpochs } from './sweep-read-models.ts';

export { InvalidSweepError } from '@convlab/core/sweep';

const createSweepOptionsSchema = z.object({
  name: runNameSchema.optional(),
});

export interface CreatedSweep {
  sweep: Sweep;
  /** The trials queued now (asha: the first rung's). */
  runIds: string[];
}

/**
 * Plans and queues a sweep, all or nothing. Throws InvalidSweepError (one line naming the param)
 * when the definition or any trial's config is invalid; nothing is written then.
 */
export async function createSweep(
  db: PrismaClient,
  input: { definition: unknown; name?: string },
): Promise<CreatedSweep> {
  const plan = planSweep(input.definition);
  const options = createSweepOptionsSchema.safeParse({ name: input.name });
  if (!options.success)
    throw new InvalidSweepError(`invalid ${formatZodIssue(options.error, 'sweep')}`, 'name');
  const { definition, trials, rungEpochs } = plan;
  const now = new Date();
  const id = newSweepId(now);
  const name = options.data.name ?? defaultSweepName(definition, trials[0]?.config);
  const firstLimit = rungEpochs && rungEpochs.length > 1 ? (rungEpochs[0] ?? null) : null;
  const runs = trials.map((trial, index) => ({
    id: newRunId(now),
    name: fitRunName(`${name} #${index + 1}`),
    preset: trial.config.preset,
    presetVersion: trial.config.presetVersion,
    dataset: trial.config.dataset,
    config: JSON.stringify(trial.config),
    sweepId: id,
    rung: rungEpochs ? 0 : null,
    epochLimit: firstLimit,
    createdAt: now,
  }));
  const [sweep] = await db.$transaction([
    db.sweep.create({
      data: {
        id,
        name,
        method: definition.method,
        definition: JSON.stringify(definition),
        rungEpochs: rungEpochs ? JSON.stringify(rungEpochs) : null,
        maxConcurrent: definition.maxConcurrent,
        createdAt: now,
        updatedAt: now,
      },
    }),
    db.run.createMany({ data: runs }),
  ]);
  await notifyRunQueued(db);
  return { sweep, runIds: runs.map((run) => run.id) };
}

function defaultSweepName(definition: SweepDefinition, config: RunConfig | undefined): string {
  const fields = Object.keys(definition.space).join(' × ');
  return fitRunName(
    `${definition.method} ${fields} · ${config?.preset ?? definition.base.preset} on ${config?.dataset ?? ''}`.trim(),
  );
}

export interface RungOutcome {
  /** What became of the trial that finished its rung. */
  status: 'pruned' | 'queued' | 'cancelled';
  /** Trials (possibly this one) sent on to their next rung. */
  promoted: { id: string; toRung: number }[];
  /** Pruned trials whose rung closed: they never resume, so their checkpoints can go. */
  final: string[];
}

/**
 * A running ASHA trial of `workerId` reached its epochLimit: it stops (pruned) and the sweep's
 * promotions are decided and applied, atomically. Returns null when the run is not running for this
 * worker any more (then nothing changed).
 */
export async function finishTrialRung(
  db: PrismaClient,
  runId: string,
  workerId: string,
): Promise<RungOutcome | null> {
  // A trial's sweep never changes, so it is read before the transaction, whose first statement must
  // write (SQLite cannot turn a read transaction into a write one while another process writes).
  const sweepId = (await db.run.findUnique({ where: { id: runId }, select: { sweepId: true } }))
    ?.sweepId;
  if (!sweepId) return null;
  return db.$transaction(async (tx) => {
    const now = new Date();
    // The first write: it serializes every decision about this sweep (see the file comment).
    await tx.sweep.update({ where: { id: sweepId }, data: { updatedAt: now } });
    const run = await tx.run.findUnique({ where: { id: runId } });
    if (run?.status !== 'running' || run.workerId !== workerId) return null;
    const stopped = await tx.run.updateMany({
      where: { id: runId, status: 'running', workerId },
      data: {
        status: run.cancelRequested ? 'cancelled' : 'pruned',
        finishedAt: now,
        workerId: null,
        leaseExpiresAt: null,
        cancelRequested: false,
        etaSeconds: null,
        etaLowerBound: false,
        batch: null,
      },
    });
    if (stopped.count === 0) return null;
    const decision = await decideSweep(tx as unknown as PrismaClient, sweepId, now);
    const self = decision.promoted.some((p) => p.id === runId);
    return {
      status: run.cancelRequested ? 'cancelled' : self ? 'queued' : 'pruned',
      ...decision,
    };
  });
}

/** ASHA's decisions for a sweep, applied. Inside finishTrialRung's transaction. */
async function decideSweep(
  db: PrismaClient,
  sweepId: string,
  now: Date,
): Promise<Omit<RungOutcome, 'status'>> {
  const sweep = await db.sweep.findUniqueOrThrow({ where: { id: sweepId } });
  const rungEpochs = parseRungEpochs(sweep.rungEpochs);
  const definition = sweepDefinitionSchema.parse(JSON.parse(sweep.definition));
  const trials = await ashaTrials(db, sweepId);
  const decision =
    sweep.status === 'cancelled'
      ? { promote: [], final: trials.filter((t) => t.status === 'pruned').map((t) => t.id) }
      : ashaDecide(trials, rungEpochs, definition.eta);
  const promoted: RungOutcome['promoted'] = [];
  for (const { id, toRung } of decision.promote) {
    const top = toRung >= rungEpochs.length - 1;
    const { count } = await db.run.updateMany({
      where: { id, sweepId, status: 'pruned' },
      data: {
        status: 'queued',
        rung: toRung,
        epochLimit: top ? null : (rungEpochs[toRung] ?? null),
        // Promotions go before new trials, as in ASHA; each rung is a fresh set of attempts.
        priority: toRung,
        attempts: 0,
        error: null,
        finishedAt: null,
        etaSeconds: null,
        etaLowerBound: false,
        progressAt: now,
      },
    });
    if (count === 1) promoted.push({ id, toRung });
  }
  if (promoted.length > 0) await notifyRunQueued(db);
  return { promoted, final: decision.final };
}

/** The sweep's trials as ashaDecide sees them: status, rung and val accuracy per epoch. */
async function ashaTrials(db: PrismaClient, sweepId: string): Promise<AshaTrial[]> {
  const runs = await db.run.findMany({
    where: { sweepId },
    select: {
      id: true,
      status: true,
      rung: true,
      epochs: { select: { epoch: true, valAcc: true }, orderBy: { epoch: 'asc' } },
    },
  });
  return runs.map((run) => ({
    id: run.id,
    status: run.status,
    rung: run.rung ?? 0,
    epochValAcc: run.epochs.filter((e, i) => e.epoch === i + 1).map((e) => e.valAcc),
  }));
}

/**
 * Cancels a sweep: queued and pruned trials end cancelled, running ones are asked to stop, and no
 * more promotions happen. Cancelling a cancelled sweep is a no-op.
 */
export async function cancelSweep(
  db: PrismaClient,
  sweepId: string,
): Promise<{ cancelled: number; stopping: number }> {
  if (!(await db.sweep.findUnique({ where: { id: sweepId }, select: { id: true } })))
    throw new SweepNotFoundError(sweepId);
  const now = new Date();
  const [, cancelled, stopping] = await db.$transaction([
    db.sweep.updateMany({
      where: { id: sweepId, status: 'active' },
      data: { status: 'cancelled', cancelledAt: now, updatedAt: now },
    }),
    db.run.updateMany({
      where: { sweepId, status: 'queued' },
      data: { status: 'cancelled', finishedAt: now, cancelRequested: false },
    }),
    db.run.updateMany({
      where: { sweepId, status: 'running' },
      data: { cancelRequested: true },
    }),
  ]);
  return { cancelled: cancelled.count, stopping: stopping.count };
}
