import { describe, expect, it } from 'vitest';
import { formatDuration, formatPercent } from '~/lib/format.ts';

describe('formatting', () => {
  it('formats durations and percentages', () => {
    expect(formatDuration(75)).toBe('1m 15s');
    expect(formatDuration(4000)).toBe('1h 6m');
    expect(formatDuration(null)).toBe('–');
    expect(formatPercent(0.6912)).toBe('69.1%');
  });
});
