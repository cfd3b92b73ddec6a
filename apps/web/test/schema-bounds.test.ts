import { prioritySchema, runConfigInputSchema, runConfigSchema } from '@convlab/core/contracts';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatBounds, numberBounds } from '~/lib/schema-bounds.ts';

describe('numberBounds', () => {
  it('reads min and max from a number schema', () => {
    expect(numberBounds(z.number().int().min(1).max(500))).toEqual({ min: 1, max: 500 });
    expect(numberBounds(z.number().min(-3.5).max(0.25))).toEqual({ min: -3.5, max: 0.25 });
  });

  it('reports a missing bound as null', () => {
    expect(numberBounds(z.number())).toEqual({ min: null, max: null });
    expect(numberBounds(z.number().min(0))).toEqual({ min: 0, max: null });
    expect(numberBounds(z.number().max(9))).toEqual({ min: null, max: 9 });
  });

  it('keeps the tighter bound when one is set twice', () => {
    expect(numberBounds(z.number().min(1).min(5).max(10).max(8))).toEqual({ min: 5, max: 8 });
  });

  it('looks through optional, nullable and default wrappers', () => {
    const base = z.number().min(2).max(4);
    expect(numberBounds(base.optional())).toEqual({ min: 2, max: 4 });
    expect(numberBounds(base.nullable())).toEqual({ min: 2, max: 4 });
    expect(numberBounds(base.default(3))).toEqual({ min: 2, max: 4 });
  });

  it('reads the run config and priority schemas the queue form hints come from', () => {
    expect(numberBounds(runConfigSchema.shape.epochs)).toEqual({ min: 1, max: 500 });
    expect(numberBounds(runConfigSchema.shape.batchSize)).toEqual({ min: 1, max: 2048 });
    expect(numberBounds(runConfigInputSchema.shape.epochs)).toEqual({ min: 1, max: 500 });
    expect(numberBounds(prioritySchema)).toEqual({ min: -1000, max: 1000 });
  });
});

describe('formatBounds', () => {
  it('writes a range with an en dash, or the separator given', () => {
    expect(formatBounds({ min: 1, max: 500 })).toBe('1–500');
    expect(formatBounds({ min: 0.01, max: 0.5 })).toBe('0.01–0.5');
    expect(formatBounds({ min: -1000, max: 1000 }, '…')).toBe('−1000…1000');
  });

  it('writes negative numbers with a minus sign', () => {
    expect(formatBounds({ min: -10, max: -2 })).toBe('−10–−2');
  });

  it('writes one-sided bounds as ≥ / ≤, and no bounds as nothing', () => {
    expect(formatBounds({ min: 0, max: null })).toBe('≥ 0');
    expect(formatBounds({ min: null, max: -1 })).toBe('≤ −1');
    expect(formatBounds({ min: null, max: null })).toBe('');
  });

  it('gives the queue form the hints it always showed', () => {
    expect(formatBounds(numberBounds(runConfigSchema.shape.epochs))).toBe('1–500');
    expect(formatBounds(numberBounds(runConfigSchema.shape.batchSize))).toBe('1–2048');
    expect(formatBounds(numberBounds(prioritySchema), '…')).toBe('−1000…1000');
  });
});
