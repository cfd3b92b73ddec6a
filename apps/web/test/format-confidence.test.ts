import { describe, expect, it } from 'vitest';
import { formatConfidence } from '~/lib/format.ts';

describe('formatConfidence', () => {
  it('shows two digits of the distance from 100% so confident predictions differ', () => {
    expect(formatConfidence(0.9997)).toBe('99.97%');
    expect(formatConfidence(0.999996)).toBe('99.9996%');
    expect(formatConfidence(0.99912)).toBe('99.912%');
    expect(formatConfidence(0.99914)).toBe('99.914%');
  });

  it('keeps ordinary confidences short', () => {
    expect(formatConfidence(0.62)).toBe('62%');
    expect(formatConfidence(0.955)).toBe('95.5%');
    expect(formatConfidence(0.999)).toBe('99.9%');
  });

  it('never rounds up to a certainty the model did not have', () => {
    expect(formatConfidence(0.9999999)).toBe('>99.9999%');
    expect(formatConfidence(1)).toBe('100%');
  });

  it('gives distinct confidences near 100% distinct labels', () => {
    const values = [0.9991, 0.9995, 0.99991, 0.999995, 0.9999991];
    const labels = values.map(formatConfidence);
    expect(new Set(labels).size).toBe(values.length);
  });

  it('shows a dash for no value', () => {
    expect(formatConfidence(null)).toBe('–');
    expect(formatConfidence(undefined)).toBe('–');
  });
});
