import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  firstIssuePath,
  formatZodIssue,
  isRunId,
  prioritySchema,
  runIdSchema,
} from '../../src/contracts/run-config-schema.ts';

function errorOf(schema: z.ZodType, value: unknown): z.ZodError {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected a validation error');
  return result.error;
}

describe('formatZodIssue', () => {
  it('names the first invalid field by its dotted path', () => {
    const schema = z.object({ optimizer: z.object({ rate: z.number().max(1) }) });
    const error = errorOf(schema, { optimizer: { rate: 5 } });
    expect(formatZodIssue(error, 'config')).toMatch(/^optimizer\.rate: .*1/);
    expect(firstIssuePath(error)).toBe('optimizer.rate');
  });

  it('uses the fallback name when the whole value is invalid', () => {
    const error = errorOf(z.string(), 3);
    expect(formatZodIssue(error, 'worker')).toMatch(/^worker: /);
    expect(firstIssuePath(error)).toBe('');
  });
});

describe('run contract', () => {
  it('accepts the ids newRunId makes and refuses path-like ones', () => {
    expect(isRunId('r0mx1bjacja9zjgt')).toBe(true);
    for (const bad of ['', '../etc', 'a/b', 'x'.repeat(65), 'a b']) {
      expect(isRunId(bad), bad).toBe(false);
      expect(runIdSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('bounds priorities to whole numbers in [-1000, 1000]', () => {
    expect(prioritySchema.safeParse(1000).success).toBe(true);
    expect(prioritySchema.safeParse(-1001).success).toBe(false);
    expect(prioritySchema.safeParse(1.5).success).toBe(false);
  });
});
