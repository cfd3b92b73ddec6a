/**
 * Asynchronous successive halving (ASHA; Li et al., "A System for Massively Parallel Hyperparameter
 * Tuning", 2020). Trials train to rung epochs r, r·η, r·η², … up to the budget; whenever a trial
 * finishes rung k, the best ⌊n_k/η⌋ of the n_k trials that have finished rung k so far are promoted to
 * rung k+1 (those not promoted yet), and resume from their checkpoint. The rest wait at their rung and
 * end pruned once no more trials can arrive there. Pure functions: the database applies the decisions.
 */
import { isActiveRunStatus } from '../contracts/run-contract.ts';

/** Rung epochs: r·η^k while it fits below the budget, then the budget itself as the top rung. */
export function ashaRungEpochs(minEpochs: number, maxEpochs: number, eta: number): number[] {
  assertInteger(minEpochs, 'minEpochs', 1);
  assertInteger(maxEpochs, 'maxEpochs', minEpochs);
  assertInteger(eta, 'eta', 2);
  const rungs: number[] = [];
  for (let epoch = minEpochs; epoch * eta <= maxEpochs; epoch *= eta) rungs.push(epoch);
  rungs.push(maxEpochs);
  return rungs;
}

function assertInteger(value: number, name: string, min: number): void {
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name} must be an integer ≥ ${min}, got ${value}`);
}

/** What the decision needs to know about a trial. */
export interface AshaTrial {
  id: string;
  /** The rung it trains towards (queued/running) or stopped at (pruned). */
  rung: number;
  /** queued | running | pruned | completed | failed | cancelled */
  status: string;
  /** Best val accuracy per epoch, in epoch order: epochValAcc[e - 1] for epoch e. */
  epochValAcc: readonly number[];
}

/** The trial's metric at rung epoch `epoch` (best val accuracy so far), or null if it never got there. */
export function rungMetric(trial: AshaTrial, epoch: number): number | null {
  if (trial.epochValAcc.length < epoch) return null;
  return Math.max(...trial.epochValAcc.slice(0, epoch));
}

export interface AshaDecision {
  /** Trials to resume towards rung `toRung`. */
  promote: { id: string; toRung: number }[];
  /** Pruned trials that can never be promoted now (their rung is closed): their checkpoints can go. */
  final: string[];
}

/**
 * The promotions due now. From the top rung down, as in the paper's get_job: at rung k, of the trials
 * that finished it, the best ⌊n_k/η⌋ (ties by id) that still wait there are promoted, at most
 * ⌊n_k/η⌋ minus those already promoted past k. A trial is counted once it has the rung's epoch.
 */
export function ashaDecide(
  trials: readonly AshaTrial[],
  rungEpochs: readonly number[],
  eta: number,
): AshaDecision {
  const promote: AshaDecision['promote'] = [];
  const promoted = new Set<string>();
  for (let k = rungEpochs.length - 2; k >= 0; k--) {
    const epoch = rungEpochs[k] ?? 0;
    const finished = trials
      .map((trial) => ({ trial, metric: rungMetric(trial, epoch) }))
      .filter((entry): entry is { trial: AshaTrial; metric: number } => entry.metric !== null)
      .sort((a, b) => b.metric - a.metric || a.trial.id.localeCompare(b.trial.id));
    const quota = Math.floor(finished.length / eta);
    const already = trials.filter((t) => t.rung > k).length;
    let allowed = quota - already;
    for (const { trial } of finished.slice(0, quota)) {
      if (allowed <= 0) break;
      if (trial.status === 'pruned' && trial.rung === k && !promoted.has(trial.id)) {
        promote.push({ id: trial.id, toRung: k + 1 });
        promoted.add(trial.id);
        allowed--;
      }
    }
  }
  // Rung k is closed when no trial can still arrive at it: none queued, running or just promoted at or
  // below k. Its waiting trials can then never be promoted.
  const arriving = [
    ...trials.filter((t) => isActiveRunStatus(t.status) && !promoted.has(t.id)).map((t) => t.rung),
    ...promote.map((p) => p.toRung),
  ];
  const lowestOpenRung = Math.min(...arriving);
  const final = trials
    .filter((t) => t.status === 'pruned' && !promoted.has(t.id) && t.rung < lowestOpenRung)
    .map((t) => t.id);
  return { promote, final };
}
