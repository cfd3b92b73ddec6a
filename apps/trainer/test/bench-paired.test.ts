/**
 * The bench's paired comparisons (bench/paired.ts) on scripted sources: a machine whose speed drifts
 * 2× between rounds still gives the true ratio, warm-up lasts until three rounds agree within 5 %,
 * and bad input is refused. And the other side of a before/after comparison: a revision checked out
 * beside this one (bench/revision-tree.ts) runs its own sources.
 */
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { findRepoRoot } from '@convlab/core/paths';
import { describe, expect, it } from 'vitest';
import {
  comparePaired,
  lastRoundsAgree,
  median,
  summarizeRatios,
  together,
  type RoundSource,
} from '../bench/paired.ts';
import { checkoutRevision } from '../bench/revision-tree.ts';

/** A source whose round i returns rates[i] (the last one repeated), recording the call order. */
function scripted(label: string, rates: number[], order: string[]): RoundSource {
  let i = 0;
  return {
    label,
    round: () => {
      order.push(label);
      return Promise.resolve(rates[Math.min(i++, rates.length - 1)]!);
    },
    close: () => Promise.resolve(),
  };
}

describe('paired comparisons', () => {
  it('computes medians and the warm-up agreement rule', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(/nothing/);
    expect(lastRoundsAgree([100, 300, 101, 102, 104])).toBe(true); // 104/101 − 1 < 5 %
    expect(lastRoundsAgree([100, 106, 101])).toBe(false); // 6 % apart
    expect(lastRoundsAgree([100, 101])).toBe(false); // fewer than three rounds
  });

  it('gives the true ratio on a machine whose speed swings 2× between rounds', async () => {
    // The machine's speed in each slot of time; A is truly 1.25× B. Unpaired, the medians of each side
    // taken at different times would say anything from 0.6× to 2.5×.
    const speed = [1, 1, 1, 1, 1, 1, 2, 2, 1, 1, 0.5, 0.5, 2, 2, 1, 1, 0.5, 0.5, 1, 1, 2, 2];
    let slot = 0;
    const order: string[] = [];
    const side = (label: string, rate: number): RoundSource => ({
      label,
      round: () => {
        order.push(label);
        return Promise.resolve(rate * speed[slot++ % speed.length]!);
      },
      close: () => Promise.resolve(),
    });
    const result = await comparePaired(side('A', 125), side('B', 100));
    expect(result.warm).toBe(true);
    expect(result.warmupRounds).toBe(3);
    expect(result.paired).toEqual({ against: 'B', median: 1.25, min: 1.25, max: 1.25, rounds: 7 });
    expect(order.slice(0, 6)).toEqual(['A', 'B', 'A', 'B', 'A', 'B']); // interleaved
    expect(result.a).toHaveLength(7);
  });

  it('warms up until three consecutive rounds of each side agree within 5 %', async () => {
    const order: string[] = [];
    // A speeds up over its first rounds (as PyTorch climbed from ~390 to ~800 img/s in one process).
    const a = scripted('A', [390, 500, 650, 790, 800, 805, 800], order);
    const b = scripted('B', [400], order);
    const result = await comparePaired(a, b, { rounds: 7 });
    expect(result.warmupRounds).toBe(6); // 790, 800, 805 agree at the sixth round
    expect(result.warm).toBe(true);
    expect(result.paired.median).toBe(2);
    expect(order).toHaveLength(2 * (6 + 7));
  });

  it('stops warming up at the cap on a machine that never settles, and says so', async () => {
    const order: string[] = [];
    const a = scripted(
      'A',
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 100 : 200)),
      order,
    );
    const b = scripted('B', [100], order);
    const result = await comparePaired(a, b, { maxWarmupRounds: 5 });
    expect(result.warm).toBe(false);
    expect(result.warmupRounds).toBe(5);
    expect(result.paired.rounds).toBe(7);
    expect(result.paired.min).toBe(1);
    expect(result.paired.max).toBe(2);
  });

  it('refuses fewer than 7 rounds, unequal rounds and rates that are not positive', async () => {
    const order: string[] = [];
    await expect(
      comparePaired(scripted('A', [1], order), scripted('B', [1], order), { rounds: 3 }),
    ).rejects.toThrow(/≥ 7/);
    expect(() => summarizeRatios([1, 2], [1], 'B')).toThrow(/must match/);
    expect(() => summarizeRatios([1, 0], [1, 1], 'B')).toThrow(/not a positive rate/);
  });

  it('adds the rates of sources timed together', async () => {
    const order: string[] = [];
    const both = together('two', [scripted('x', [10], order), scripted('y', [15], order)]);
    expect(await both.round()).toBe(25);
  });

  it('checks out another revision beside this one, with its own workspace packages and kernels', () => {
    const root = findRepoRoot();
    expect(() => checkoutRevision(root, 'no-such-revision')).toThrow(/no-such-revision/);
    const tree = checkoutRevision(root, 'HEAD');
    try {
      const core = realpathSync(path.join(tree.dir, 'node_modules/@convlab/core'));
      expect(core).toBe(realpathSync(path.join(tree.dir, 'packages/core')));
      expect(existsSync(path.join(tree.dir, 'node_modules/@tensorflow/tfjs'))).toBe(true);
      expect(existsSync(path.join(tree.dir, 'packages/core/simd/build/kernels.wasm'))).toBe(true);
    } finally {
      tree.remove();
    }
    expect(existsSync(tree.dir)).toBe(false);
  }, 120_000);
});
