import { describe, expect, it } from 'vitest';
import {
  classTickLayout,
  finalAccuracyHeight,
  inSeriesOrder,
} from '~/components/compare-view/chart-layout.ts';
import { runLabel, runTitle } from '~/components/compare-view/compared-run.ts';

const run = (name: string) => ({
  id: 'r0mx1bjacf4sgv8',
  name,
  preset: 'seed-cnn',
  dataset: 'mnist',
});

describe('runLabel', () => {
  it('names a run by its preset and short id when its name is the default', () => {
    expect(runLabel(run('seed-cnn on mnist'))).toBe('seed-cnn · f4sgv8');
    expect(runLabel(run('lab experiment: seed-cnn on mnist'))).toBe('seed-cnn · f4sgv8');
    expect(runLabel(run('lab experiment k2f9, seed 7'))).toBe('seed-cnn · f4sgv8');
  });

  it('uses a short name the user gave, with the short id', () => {
    expect(runLabel(run('baseline'))).toBe('baseline · f4sgv8');
    expect(runLabel(run('lab exp'))).toBe('lab exp · f4sgv8');
  });

  it('falls back to the preset when the name is too long for an axis', () => {
    expect(runLabel(run('a long descriptive name for this run'))).toBe('seed-cnn · f4sgv8');
  });

  it('keeps the full name and id for the tooltip', () => {
    expect(runTitle(run('baseline'))).toBe('baseline (r0mx1bjacf4sgv8)');
  });
});

describe('inSeriesOrder', () => {
  it('sorts legend items as the series are drawn, not by name', () => {
    const items = [{ dataKey: 'test' }, { dataKey: 'val' }, { dataKey: 'train' }, { dataKey: 'x' }];
    const order = inSeriesOrder(['train', 'val', 'test']);
    const sorted = [...items].sort((a, b) => order(a) - order(b));
    expect(sorted.map((item) => item.dataKey)).toEqual(['train', 'val', 'test', 'x']);
  });
});

describe('chart sizes', () => {
  it('gives every run of the final-accuracy chart the same band', () => {
    expect(finalAccuracyHeight(6) - finalAccuracyHeight(4)).toBe(
      2 * (finalAccuracyHeight(5) - finalAccuracyHeight(4)),
    );
  });

  it('slants a few short class names and stands many or long ones upright', () => {
    const cifar = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship'];
    expect(classTickLayout([...cifar, 'truck']).angle).toBe(-35);
    expect(classTickLayout(Array.from({ length: 40 }, (_, i) => `class-${i}`)).angle).toBe(-90);
    expect(classTickLayout([...cifar, 'a-rather-long-folder-class-name']).angle).toBe(-90);
  });

  it('makes the axis tall enough for the longest name', () => {
    const upright = classTickLayout(Array.from({ length: 40 }, (_, i) => `class-${i}`));
    expect(upright.height).toBeGreaterThanOrEqual('class-39'.length * 6);
  });
});
