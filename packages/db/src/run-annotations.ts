/**
 * What users write on runs: tags (filterable on the leaderboard) and a free-text note. Tags are
 * stored as a JSON array; their characters exclude quotes, so `tags LIKE '%"name"%'` matches exactly.
 */
import { formatZodIssue } from '@convlab/core/contracts';
import { z } from 'zod';
import type { PrismaClient } from './generated/prisma/client.ts';
import { RunNotFoundError } from './errors.ts';

export const runTagSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.-]{1,40}$/, 'a tag is 1–40 letters, digits, _ . -');
export const runTagsSchema = z
  .array(runTagSchema)
  .max(20, 'at most 20 tags')
  .transform((tags) => [...new Set(tags)]);
export const runNoteSchema = z.string().max(4000, 'a note is at most 4000 characters').nullable();

/** The stored tags column as a list (a malformed value reads as no tags). */
export function parseRunTags(stored: string): string[] {
  const parsed = z.array(z.string()).safeParse(JSON.parse(stored || '[]'));
  return parsed.success ? parsed.data : [];
}

/** Replaces a run's tags and/or note (any status). Throws on invalid input or an unknown run. */
export async function annotateRun(
  db: PrismaClient,
  runId: string,
  input: { tags?: string[]; note?: string | null },
): Promise<{ id: string; tags: string[]; note: string | null }> {
  const parsed = z
    .object({ tags: runTagsSchema.optional(), note: runNoteSchema.optional() })
    .safeParse(input);
  if (!parsed.success) throw new Error(`invalid ${formatZodIssue(parsed.error, 'annotation')}`);
  const { tags, note } = parsed.data;
  const { count } = await db.run.updateMany({
    where: { id: runId },
    data: {
      ...(tags ? { tags: JSON.stringify(tags) } : {}),
      ...(note !== undefined ? { note: note?.trim() ? note.trim() : null } : {}),
    },
  });
  if (count === 0) throw new RunNotFoundError(runId);
  const run = await db.run.findUniqueOrThrow({
    where: { id: runId },
    select: { id: true, tags: true, note: true },
  });
  return { ...run, tags: parseRunTags(run.tags) };
}

/** Every tag in use, with how many runs carry it, most used first. */
export async function listRunTags(db: PrismaClient): Promise<{ tag: string; runs: number }[]> {
  const rows = await db.run.findMany({ where: { tags: { not: '[]' } }, select: { tags: true } });
  const counts = new Map<string, number>();
  for (const row of rows)
    for (const tag of parseRunTags(row.tags)) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  return [...counts]
    .map(([tag, runs]) => ({ tag, runs }))
    .sort((a, b) => b.runs - a.runs || a.tag.localeCompare(b.tag));
}
