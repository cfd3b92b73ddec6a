/**
 * The numeric bounds a zod schema declares, for form hints that must not drift from the validation
 * the server runs. Pure and client-safe: it only reads the schema.
 */
import { z } from 'zod';

/** Inclusive bounds; null where the schema sets none. */
export interface NumberBounds {
  min: number | null;
  max: number | null;
}

/** A number schema, possibly made optional, nullable or given a default (as config fields are). */
export type NumberSchema =
  z.ZodNumber | z.ZodOptional<z.ZodNumber> | z.ZodNullable<z.ZodNumber> | z.ZodDefault<z.ZodNumber>;

function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}

/**
 * The `.min()` / `.max()` of a number schema (zod 4's `minValue` / `maxValue`, which read ±Infinity
 * where no bound is set). An exclusive bound (`.gt()`, `.positive()`) reads as its limit, and a bare
 * `.int()` as the safe-integer range.
 */
export function numberBounds(schema: NumberSchema): NumberBounds {
  const number = schema instanceof z.ZodNumber ? schema : schema.unwrap();
  return { min: finiteOrNull(number.minValue), max: finiteOrNull(number.maxValue) };
}

/** A number as the dashboard writes it in prose: a true minus sign (−1000, not -1000). */
function formatBound(value: number): string {
  return value < 0 ? `−${-value}` : String(value);
}

/**
 * "1–500" (or "−1000…1000" with `separator` '…', which reads better around a minus sign). Only a
 * lower bound reads "≥ 1", only an upper one "≤ 9", none "".
 */
export function formatBounds({ min, max }: NumberBounds, separator = '–'): string {
  if (min !== null && max !== null) return `${formatBound(min)}${separator}${formatBound(max)}`;
  if (min !== null) return `≥ ${formatBound(min)}`;
  if (max !== null) return `≤ ${formatBound(max)}`;
  return '';
}
