/**
 * A run that learned nothing useful should not look like any other: its verdict says why, in words a
 * newcomer can act on. Pure (no tensors, no database), so the leaderboard, the run page and the CLI
 * share it.
 */
import type { EpochPhase } from './epoch-metrics.ts';

const DIVERGED_PREFIX = 'training diverged';

/** The message core's training loop fails a run with when its loss stops being a number. */
export function trainingDivergedMessage(loss: number, epoch: number): string {
  return `${DIVERGED_PREFIX}: the loss became ${loss} in epoch ${epoch}`;
}

/** Whether a run's error is trainingDivergedMessage's. */
export function isTrainingDivergedError(error: string | null): boolean {
  return error?.startsWith(DIVERGED_PREFIX) ?? false;
}

export const VERDICT_KINDS = ['diverged', 'near-chance', 'still-improving'] as const;
export type VerdictKind = (typeof VERDICT_KINDS)[number];

export interface RunVerdict {
  kind: VerdictKind;
  /** One short label for a badge ("near chance"). */
  label: string;
  /** Why, with the numbers, and what to try. */
  message: string;
}

export interface VerdictInput {
  status: string;
  error: string | null;
  /** Classes of the dataset (from the report); null when not known yet. */
  numClasses: number | null;
  testAcc: number | null;
  epochs: { epoch: number; phase: EpochPhase; loss: number; valLoss: number; valAcc: number }[];
}

/** A model this close to guessing learned nothing useful: chance plus a tenth of the way to 100 %. */
const NEAR_CHANCE_SHARE = 0.1;
/** How many final epochs the still-improving check looks back over. */
const IMPROVING_WINDOW = 3;
/** Validation accuracy gained over that window (absolute) that counts as still improving… */
const IMPROVING_MIN_GAIN = 0.01;
/** …with the last epoch itself still gaining this much (a flat end means it settled). */
const IMPROVING_MIN_LAST_GAIN = 0.003;
/** The same for validation loss, relative: 3 % lower over the window, 1 % in the last epoch. */
const IMPROVING_MIN_LOSS_DROP = 0.03;
const IMPROVING_MIN_LAST_LOSS_DROP = 0.01;
/**
 * A last training loss this many times the phase's lowest, and risen by this share of the phase's
 * first loss, means training blew up (a converged run's loss wobbling from 0.018 to 0.04 does not).
 */
const DIVERGED_LOSS_RATIO = 2;
const DIVERGED_MIN_RISE = 0.25;

const pct = (value: number) => `${(value * 100).toFixed(1)} %`;

/** What is wrong with a finished (or failed) run's learning, worst first; empty when nothing is. */
export function runVerdicts(run: VerdictInput): RunVerdict[] {
  // A run still training (or cancelled) is judged once it ends.
  if (run.status !== 'completed' && run.status !== 'failed') return [];
  const verdicts: RunVerdict[] = [];
  const diverged = divergedVerdict(run);
  if (diverged) verdicts.push(diverged);
  if (run.status !== 'completed') return verdicts;
  const nearChance = nearChanceVerdict(run);
  if (nearChance) verdicts.push(nearChance);
  const improving = stillImprovingVerdict(run.epochs);
  if (improving) verdicts.push(improving);
  return verdicts;
}

function divergedVerdict(run: VerdictInput): RunVerdict | null {
  if (run.status === 'failed' && isTrainingDivergedError(run.error)) {
    return {
      kind: 'diverged',
      label: 'diverged',
      message: `${run.error}. Try a lower learning rate.`,
    };
  }
  const last = run.epochs.at(-1);
  if (!last) return null;
  const phase = run.epochs.filter((e) => e.phase === last.phase);
  const lowest = Math.min(...phase.map((e) => e.loss));
  const first = phase[0]?.loss ?? 0;
  if (
    phase.length < 2 ||
    !(last.loss > lowest * DIVERGED_LOSS_RATIO) ||
    !(last.loss - lowest > DIVERGED_MIN_RISE * first)
  )
    return null;
  return {
    kind: 'diverged',
    label: 'diverged',
    message:
      `the training loss rose from ${lowest.toFixed(3)} to ${last.loss.toFixed(3)} by epoch ` +
      `${last.epoch}: training became unstable. Try a lower learning rate.`,
  };
}

function nearChanceVerdict(run: VerdictInput): RunVerdict | null {
  if (run.numClasses === null || run.numClasses < 2 || run.testAcc === null) return null;
  const chance = 1 / run.numClasses;
  if (run.testAcc >= chance + NEAR_CHANCE_SHARE * (1 - chance)) return null;
  return {
    kind: 'near-chance',
    label: 'near chance',
    message:
      `${pct(run.testAcc)} test accuracy where guessing among ${run.numClasses} classes gives ` +
      `${pct(chance)}: the model learned next to nothing. Check the data and the learning rate.`,
  };
}

/**
 * The last phase was still getting better when its epochs ran out: its validation accuracy peaked at
 * the last epoch, still rising into it, or its validation loss was lowest there, still falling.
 */
function stillImprovingVerdict(epochs: VerdictInput['epochs']): RunVerdict | null {
  const last = epochs.at(-1);
  if (!last) return null;
  const phase = epochs.filter((e) => e.phase === last.phase);
  if (phase.length <= IMPROVING_WINDOW) return null;
  const before = phase[phase.length - 1 - IMPROVING_WINDOW];
  const previous = phase[phase.length - 2];
  if (!before || !previous) return null;
  const gain = last.valAcc - before.valAcc;
  const accRising =
    phase.every((e) => e.valAcc <= last.valAcc) &&
    gain >= IMPROVING_MIN_GAIN &&
    last.valAcc - previous.valAcc >= IMPROVING_MIN_LAST_GAIN;
  const lossFalling =
    phase.every((e) => e.valLoss >= last.valLoss) &&
    last.valLoss <= before.valLoss * (1 - IMPROVING_MIN_LOSS_DROP) &&
    last.valLoss <= previous.valLoss * (1 - IMPROVING_MIN_LAST_LOSS_DROP);
  if (!accRising && !lossFalling) return null;
  if (!accRising)
    return {
      kind: 'still-improving',
      label: 'still improving',
      message:
        `validation loss fell from ${before.valLoss.toFixed(3)} to ${last.valLoss.toFixed(3)} over ` +
        `the last ${IMPROVING_WINDOW} epochs and was lowest at the last one: it stopped before it ` +
        'converged. More epochs would likely help.',
    };
  return {
    kind: 'still-improving',
    label: 'still improving',
    message:
      `validation accuracy rose ${(gain * 100).toFixed(1)} points over the last ` +
      `${IMPROVING_WINDOW} epochs and peaked at the last one (${pct(last.valAcc)}): ` +
      'it stopped before it converged. More epochs would likely help.',
  };
}
