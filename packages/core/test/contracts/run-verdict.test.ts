import { describe, expect, it } from 'vitest';
import {
  runVerdicts,
  trainingDivergedMessage,
  type EpochPhase,
  type VerdictInput,
} from '../../src/contracts/index.ts';

/** Epochs of one phase with these validation accuracies and losses. */
function epochs(
  valAccs: number[],
  losses?: number[],
  phase: EpochPhase = 'train',
  valLosses?: number[],
) {
  return valAccs.map((valAcc, i) => ({
    epoch: i + 1,
    phase,
    loss: losses?.[i] ?? 1,
    valLoss: valLosses?.[i] ?? 1,
    valAcc,
  }));
}

const completed = (patch: Partial<VerdictInput>): VerdictInput => ({
  status: 'completed',
  error: null,
  numClasses: 10,
  testAcc: 0.7,
  epochs: epochs([0.5, 0.6, 0.65, 0.66, 0.66]),
  ...patch,
});

const kinds = (input: VerdictInput) => runVerdicts(input).map((v) => v.kind);

describe('runVerdicts', () => {
  it('has nothing to say about a run that learned and settled', () => {
    expect(kinds(completed({}))).toEqual([]);
  });

  it('calls a run near chance when it is within a tenth of the way from guessing to 100 %', () => {
    expect(kinds(completed({ testAcc: 0.15 }))).toEqual(['near-chance']);
    expect(kinds(completed({ testAcc: 0.2 }))).toEqual([]);
    // Two classes: guessing is 50 %, so 54 % is near it.
    expect(kinds(completed({ numClasses: 2, testAcc: 0.54 }))).toEqual(['near-chance']);
    expect(runVerdicts(completed({ testAcc: 0.12 }))[0]?.message).toMatch(
      /12\.0 % test accuracy where guessing among 10 classes gives 10\.0 %/,
    );
  });

  it('says a run was still improving when its last phase peaked at its last epoch, rising', () => {
    // The lab's frozen MobileNetV2: 31 % and still climbing when its 10 epochs ran out.
    const transfer = epochs(
      [0.2, 0.22, 0.24, 0.26, 0.27, 0.28, 0.29, 0.3, 0.305, 0.31],
      [],
      'frozen',
    );
    const verdicts = runVerdicts(completed({ testAcc: 0.31, epochs: transfer }));
    expect(verdicts.map((v) => v.kind)).toEqual(['still-improving']);
    expect(verdicts[0]?.message).toMatch(/rose 2\.0 points over the last 3 epochs/);
    // Flat at the end, or not the best at the end: it had converged.
    expect(kinds(completed({ epochs: epochs([0.5, 0.6, 0.6, 0.6, 0.601]) }))).toEqual([]);
    expect(kinds(completed({ epochs: epochs([0.5, 0.6, 0.7, 0.75, 0.74]) }))).toEqual([]);
    // Accuracy flat, but the validation loss still falling into the last epoch.
    const falling = epochs([0.5, 0.6, 0.6, 0.6, 0.6], [], 'train', [1.5, 1.2, 1.1, 1.0, 0.95]);
    expect(runVerdicts(completed({ epochs: falling }))[0]?.message).toMatch(
      /validation loss fell from 1\.200 to 0\.950/,
    );
    // Too few epochs to tell.
    expect(kinds(completed({ epochs: epochs([0.3, 0.5, 0.7]) }))).toEqual([]);
  });

  it('looks only at the last phase: fine-tuning that settled is fine after a rising frozen phase', () => {
    const run = [
      ...epochs([0.2, 0.3, 0.4, 0.5], [], 'frozen'),
      ...epochs([0.6, 0.62, 0.62, 0.62], [], 'fine-tune').map((e) => ({
        ...e,
        epoch: e.epoch + 4,
      })),
    ];
    expect(kinds(completed({ epochs: run }))).toEqual([]);
  });

  it('calls a run diverged when its loss became NaN, or rose far above its lowest', () => {
    const failed: VerdictInput = {
      status: 'failed',
      error: trainingDivergedMessage(NaN, 4),
      numClasses: null,
      testAcc: null,
      epochs: epochs([0.3, 0.4, 0.4]),
    };
    const [diverged, ...rest] = runVerdicts(failed);
    expect(rest).toEqual([]);
    expect(diverged?.kind).toBe('diverged');
    expect(diverged?.message).toMatch(/NaN in epoch 4.*lower learning rate/);
    expect(kinds({ ...failed, error: 'cannot load dataset' })).toEqual([]);
    const blewUp = epochs([0.4, 0.5, 0.1, 0.1, 0.1], [1.2, 0.9, 2.5, 2.3, 2.4]);
    expect(kinds(completed({ testAcc: 0.1, epochs: blewUp }))).toEqual(['diverged', 'near-chance']);
  });

  it('says nothing of runs still queued or running', () => {
    expect(kinds(completed({ status: 'running', testAcc: null }))).toEqual([]);
  });
});
