/** What the CLI and the dashboard read about sweeps: one sweep with its trials, and the list. */
import {
  trialParams,
  sweepDefinitionSchema,
  type ParamValue,
  type SweepDefinition,
  type SweepMethod,
} from '@convlab/core/sweep';
import {
  runConfigSchema,
  type RunConfig,
  type RunStatus,
  isActiveRunStatus,
} from '@convlab/core/contracts';
import { z } from 'zod';
import type { PrismaClient } from './generated/prisma/client.ts';
import { toRunStatus } from './run-row.ts';

/** An ASHA sweep's rung epochs, as stored on the sweep. */
export function parseRungEpochs(text: string | null): number[] {
  const parsed = z
    .array(z.number().int().min(1))
    .min(1)
    .safeParse(text ? JSON.parse(text) : null);
  if (!parsed.success) throw new Error('stored Sweep.rungEpochs is invalid (not an ASHA sweep?)');
  return parsed.data;
}

/** A sweep's state: cancelled, running (a trial is queued or running), or finished. */
export type SweepState = 'running' | 'finished' | 'cancelled';

export interface SweepTrial {
  id: string;
  name: string;
  status: RunStatus;
  params: Record<string, ParamValue>;
  /** The sweep's metric: best val accuracy so far. */
  bestValAcc: number | null;
  testAcc: number | null;
  epochsDone: number;
  /** asha: the rung it trains towards or stopped at. */
  rung: number | null;
  /** Val accuracy per epoch, in order (the rung chart). */
  valAccByEpoch: number[];
  error: string | null;
}

export interface SweepDetail {
  id: string;
  name: string;
  method: SweepMethod;
  metric: string;
  definition: SweepDefinition;
  rungEpochs: number[] | null;
  maxConcurrent: number | null;
  state: SweepState;
  createdAt: Date;
  counts: Record<string, number>;
  /** Best first (by bestValAcc; trials without one last). */
  trials: SweepTrial[];
  /** The best trial's complete config, to queue again or edit. */
  bestConfig: RunConfig | null;
}

/** One sweep with its trials, best first; null when unknown. */
export async function getSweepDetail(db: PrismaClient, id: string): Promise<SweepDetail | null> {
  const sweep = await db.sweep.findUnique({
    where: { id },
    include: {
      runs: {
        select: {
          id: true,
          name: true,
          status: true,
          config: true,
          bestValAcc: true,
          testAcc: true,
          rung: true,
          error: true,
          createdAt: true,
          epochs: { select: { epoch: true, valAcc: true }, orderBy: { epoch: 'asc' } },
        },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      },
    },
  });
  if (!sweep) return null;
  const definition = sweepDefinitionSchema.parse(JSON.parse(sweep.definition));
  const configs = new Map<string, RunConfig>();
  const trials = sweep.runs.map((run): SweepTrial => {
    const config = runConfigSchema.safeParse(JSON.parse(run.config));
    if (config.success) configs.set(run.id, config.data);
    return {
      id: run.id,
      name: run.name,
      status: toRunStatus(run.status),
      params: config.success ? trialParams(definition.space, config.data) : {},
      bestValAcc: run.bestValAcc,
      testAcc: run.testAcc,
      epochsDone: run.epochs.length,
      rung: run.rung,
      valAccByEpoch: run.epochs.map((e) => e.valAcc),
      error: run.error,
    };
  });
  trials.sort((a, b) => (b.bestValAcc ?? -1) - (a.bestValAcc ?? -1));
  const best = trials[0];
  return {
    id: sweep.id,
    name: sweep.name,
    method: definition.method,
    metric: sweep.metric,
    definition,
    rungEpochs: sweep.rungEpochs ? parseRungEpochs(sweep.rungEpochs) : null,
    maxConcurrent: sweep.maxConcurrent,
    state: sweepState(sweep.status, trials),
    createdAt: sweep.createdAt,
    counts: countByStatus(trials),
    trials,
    bestConfig: best?.bestValAcc != null ? (configs.get(best.id) ?? null) : null,
  };
}

/** How many trials are in each status (only the statuses present). */
function countByStatus(trials: { status: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const trial of trials) counts[trial.status] = (counts[trial.status] ?? 0) + 1;
  return counts;
}

function sweepState(status: string, trials: { status: string }[]): SweepState {
  if (status === 'cancelled') return 'cancelled';
  return trials.some((t) => isActiveRunStatus(t.status)) ? 'running' : 'finished';
}

export interface SweepSummary {
  id: string;
  name: string;
  method: string;
  state: SweepState;
  createdAt: Date;
  trials: number;
  counts: Record<string, number>;
  bestValAcc: number | null;
}

/** Sweeps, newest first, with their trial counts and best metric. */
export async function listSweeps(db: PrismaClient, limit = 100): Promise<SweepSummary[]> {
  const sweeps = await db.sweep.findMany({
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: Math.min(Math.max(1, Math.floor(limit)), 1000),
    include: { runs: { select: { status: true, bestValAcc: true } } },
  });
  return sweeps.map((sweep) => {
    const metrics = sweep.runs.flatMap((run) => (run.bestValAcc === null ? [] : [run.bestValAcc]));
    return {
      id: sweep.id,
      name: sweep.name,
      method: sweep.method,
      state: sweepState(sweep.status, sweep.runs),
      createdAt: sweep.createdAt,
      trials: sweep.runs.length,
      counts: countByStatus(sweep.runs),
      bestValAcc: metrics.length > 0 ? Math.max(...metrics) : null,
    };
  });
}
