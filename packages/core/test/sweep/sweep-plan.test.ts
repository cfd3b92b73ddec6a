import { describe, expect, it } from 'vitest';
import {
  ashaDecide,
  ashaRungEpochs,
  formatParamValue,
  InvalidSweepError,
  parseSearchSpace,
  planSweep,
  type AshaTrial,
} from '../../src/sweep/index.ts';

const base = { preset: 'tiny-cnn' as const, dataset: 'synthetic' as const };

function sweepError(run: () => unknown): InvalidSweepError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidSweepError) return error;
    throw error;
  }
  throw new Error('expected an InvalidSweepError');
}

describe('parseSearchSpace', () => {
  it('types values by the field they set and reads ranges', () => {
    expect(
      parseSearchSpace([
        'lr=log:1e-4:1e-2',
        'batchSize=64,128',
        'augment=true,false',
        'optimizer=adam,sgd',
        'dropout=uniform:0:0.5',
      ]),
    ).toEqual({
      learningRate: { kind: 'log-uniform', min: 1e-4, max: 1e-2 },
      batchSize: { kind: 'choice', values: [64, 128] },
      augment: { kind: 'choice', values: [true, false] },
      optimizer: { kind: 'choice', values: ['adam', 'sgd'] },
      dropout: { kind: 'uniform', min: 0, max: 0.5 },
    });
  });

  it.each([
    ['nope=1,2', 'invalid --param nope: not a run config field'],
    ['batchSize=64,abc', 'invalid --param batchSize: expected a decimal number, got "abc"'],
    ['augment=yes', 'invalid --param augment: expected true or false, got "yes"'],
    ['lr=log:0:1', 'invalid --param lr: a log range must be above 0'],
    ['lr=log:1e-2:1e-4', 'invalid --param lr: min must be below max'],
    ['optimizer=adam,rmsprop', 'invalid --param optimizer: expected one of adam, sgd'],
    ['augment=uniform:0:1', 'invalid --param augment: a range needs a numeric field'],
    ['preset=seed-cnn', 'invalid --param preset: preset cannot be swept'],
    ['lr', 'invalid --param "lr": write name=values'],
  ])('rejects %s with one line naming the param', (text, message) => {
    const error = sweepError(() => parseSearchSpace([text]));
    expect(error.message).toContain(message);
    expect(error.message).not.toContain('\n');
  });
});

describe('formatParamValue', () => {
  it('shows numbers to 3 significant digits, tiny ones exponential', () => {
    expect(formatParamValue(0.000123)).toBe('1.23e-4');
    expect(formatParamValue(0.0031623)).toBe('0.00316');
    expect(formatParamValue(128)).toBe('128');
    expect(formatParamValue(0)).toBe('0');
    expect(formatParamValue(true)).toBe('true');
    expect(formatParamValue(null)).toBe('null');
    expect(formatParamValue(undefined)).toBe('–');
  });
});

describe('planSweep', () => {
  it('a 2×2 grid gives exactly its 4 points', () => {
    const plan = planSweep({
      method: 'grid',
      base,
      space: parseSearchSpace(['lr=1e-3,3e-3', 'batchSize=16,32']),
    });
    expect(plan.trials.map((t) => t.params)).toEqual([
      { learningRate: 1e-3, batchSize: 16 },
      { learningRate: 1e-3, batchSize: 32 },
      { learningRate: 3e-3, batchSize: 16 },
      { learningRate: 3e-3, batchSize: 32 },
    ]);
    for (const trial of plan.trials) {
      expect(trial.config.learningRate).toBe(trial.params.learningRate);
      expect(trial.config.batchSize).toBe(trial.params.batchSize);
      expect(trial.config.preset).toBe('tiny-cnn');
    }
  });

  it('random sampling is seeded, in range, and integers stay integers', () => {
    const definition = {
      method: 'random' as const,
      base,
      space: parseSearchSpace(['lr=log:1e-4:1e-2', 'batchSize=uniform:16:64']),
      trials: 20,
      seed: 7,
    };
    const first = planSweep(definition).trials.map((t) => t.params);
    expect(planSweep(definition).trials.map((t) => t.params)).toEqual(first);
    expect(planSweep({ ...definition, seed: 8 }).trials.map((t) => t.params)).not.toEqual(first);
    for (const params of first) {
      expect(params.learningRate).toBeGreaterThanOrEqual(1e-4);
      expect(params.learningRate).toBeLessThanOrEqual(1e-2);
      expect(Number.isInteger(params.batchSize)).toBe(true);
    }
  });

  it('random over lists gives distinct points while the grid has enough', () => {
    const plan = planSweep({
      method: 'random',
      base,
      space: parseSearchSpace(['lr=1e-3,2e-3,3e-3', 'augment=true,false']),
      trials: 6,
    });
    expect(new Set(plan.trials.map((t) => JSON.stringify(t.params))).size).toBe(6);
  });

  it('asha plans rungs, trains every trial to the budget and turns early stopping off', () => {
    const plan = planSweep({
      method: 'asha',
      base: { ...base, preset: 'seed-cnn' },
      space: parseSearchSpace(['lr=log:1e-4:1e-2']),
      trials: 9,
      maxEpochs: 10,
    });
    expect(plan.rungEpochs).toEqual([1, 3, 10]);
    expect(plan.trials).toHaveLength(9);
    for (const trial of plan.trials) {
      expect(trial.config.epochs).toBe(10);
      expect(trial.config.earlyStoppingPatience).toBe(0);
    }
  });

  it.each([
    [
      { method: 'grid', space: parseSearchSpace(['lr=log:1e-4:1e-2']) },
      'invalid --param learningRate: grid needs a list of values',
    ],
    [
      { method: 'grid', space: parseSearchSpace(['lr=1e-3,2']) },
      'invalid --param learningRate: Too big',
    ],
    [
      { method: 'random', space: parseSearchSpace(['batchSize=uniform:16:4096']) },
      'invalid --param batchSize',
    ],
    [
      { method: 'asha', space: parseSearchSpace(['epochs=1,2']) },
      'invalid --param epochs: ASHA decides how long trials train',
    ],
    [{ method: 'grid', space: {} }, 'a sweep needs at least one --param'],
    [
      { method: 'grid', space: parseSearchSpace(['lr=1e-3,2e-3']), trials: 5 },
      'invalid --trials: the grid has 2 points',
    ],
    [
      { method: 'asha', space: parseSearchSpace(['lr=1e-3,2e-3']), minEpochs: 5, maxEpochs: 3 },
      'invalid --min-epochs',
    ],
  ])('rejects a bad space before anything is queued: %j', (definition, message) => {
    const error = sweepError(() => planSweep({ base, ...definition }));
    expect(error.message).toContain(message);
    expect(error.message).not.toContain('\n');
  });
});

describe('ASHA', () => {
  it('rung epochs grow by η up to the budget', () => {
    expect(ashaRungEpochs(1, 9, 3)).toEqual([1, 3, 9]);
    expect(ashaRungEpochs(1, 10, 3)).toEqual([1, 3, 10]);
    expect(ashaRungEpochs(2, 8, 2)).toEqual([2, 4, 8]);
    expect(ashaRungEpochs(3, 3, 3)).toEqual([3]);
    expect(() => ashaRungEpochs(1, 9, 1)).toThrow(/eta/);
  });

  const rungs = [1, 3, 9];
  /** A trial with its rung-0 metric `acc` (one epoch), waiting pruned at rung 0. */
  const waiting = (id: string, acc: number): AshaTrial => ({
    id,
    rung: 0,
    status: 'pruned',
    epochValAcc: [acc],
  });
  const queued = (id: string): AshaTrial => ({ id, rung: 0, status: 'queued', epochValAcc: [] });

  it('promotes the best ⌊n/η⌋ that finished a rung, and only once', () => {
    const trials = [waiting('a', 0.5), waiting('b', 0.7), waiting('c', 0.6), queued('d')];
    expect(ashaDecide(trials, rungs, 3)).toEqual({ promote: [{ id: 'b', toRung: 1 }], final: [] });
    // b was promoted (rung 1, queued): the quota of ⌊3/3⌋ = 1 is used up.
    const after = trials.map((t) => (t.id === 'b' ? { ...t, rung: 1, status: 'queued' } : t));
    expect(ashaDecide(after, rungs, 3).promote).toEqual([]);
  });

  it('promotes later arrivals asynchronously as the rung fills', () => {
    const six = ['a', 'b', 'c', 'd', 'e', 'f'].map((id, i) => waiting(id, i / 10));
    const promotedF = six.map((t) => (t.id === 'f' ? { ...t, rung: 1, status: 'running' } : t));
    // ⌊6/3⌋ = 2: f is already past rung 0, so e (the next best) goes now.
    expect(ashaDecide(promotedF, rungs, 3).promote).toEqual([{ id: 'e', toRung: 1 }]);
  });

  it('closes a rung once no trial can still arrive at it', () => {
    const trials: AshaTrial[] = [
      waiting('a', 0.1),
      waiting('b', 0.2),
      { id: 'c', rung: 1, status: 'running', epochValAcc: [0.9, 0.9] },
    ];
    expect(ashaDecide(trials, rungs, 3)).toEqual({ promote: [], final: ['a', 'b'] });
    expect(ashaDecide([...trials, queued('d')], rungs, 3).final).toEqual([]);
  });

  it('reads a promoted trial’s rung metric from the epochs up to that rung', () => {
    // x reached 0.95 only after rung 1's epoch 3: at rung 1 it counts 0.6, below y's 0.8.
    const trials: AshaTrial[] = [
      { id: 'x', rung: 1, status: 'pruned', epochValAcc: [0.5, 0.55, 0.6] },
      { id: 'y', rung: 1, status: 'pruned', epochValAcc: [0.7, 0.75, 0.8] },
      { id: 'z', rung: 1, status: 'pruned', epochValAcc: [0.6, 0.6, 0.7] },
    ];
    expect(ashaDecide(trials, rungs, 3).promote).toEqual([{ id: 'y', toRung: 2 }]);
  });
});
