import type { z } from 'zod';

/**
 * The first issue of a zod error as one line, `field: message`. `fallback` names the field when the
 * issue is about the whole value (an empty path), so the line always starts with a name.
 */
export function formatZodIssue(error: z.ZodError, fallback: string): string {
  const issue = error.issues[0];
  if (!issue) return `${fallback}: invalid`;
  const field = issue.path.length > 0 ? issue.path.join('.') : fallback;
  return `${field}: ${issue.message}`;
}

/** The dotted path of the first issue, '' when the issue is about the whole value. */
export function firstIssuePath(error: z.ZodError): string {
  return error.issues[0]?.path.join('.') ?? '';
}
