/**
 * md5 of large files, with a per-folder marker file so a file verified once is not hashed again on every
 * load unless its size or modification time changed.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

export const VERIFIED_MARKER = '.convlab-verified.json';

const markerSchema = z.record(
  z.string(),
  z.object({ size: z.number(), mtimeMs: z.number(), md5: z.string() }),
);
type Marker = z.infer<typeof markerSchema>;

export async function md5OfFile(file: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function readMarker(dir: string): Promise<Marker> {
  try {
    return markerSchema.parse(JSON.parse(await readFile(path.join(dir, VERIFIED_MARKER), 'utf8')));
  } catch {
    // Missing or unreadable marker: everything is simply verified again.
    return {};
  }
}

/**
 * Check that each file in `dir` has its expected md5, hashing only files whose size/mtime changed since
 * they were last verified. Throws naming the first mismatching file.
 */
export async function verifyMd5s(
  dir: string,
  expected: Record<string, string>,
  fixHint: string,
): Promise<void> {
  const marker = await readMarker(dir);
  let changed = false;
  for (const [name, md5] of Object.entries(expected)) {
    const file = path.join(dir, name);
    const { size, mtimeMs } = await stat(file);
    const seen = marker[name];
    if (seen && seen.size === size && seen.mtimeMs === mtimeMs && seen.md5 === md5) continue;
    const actual = await md5OfFile(file);
    if (actual !== md5) {
      delete marker[name];
      await writeMarker(dir, marker);
      throw new Error(`${file} is corrupt: md5 ${actual}, expected ${md5}. ${fixHint}`);
    }
    marker[name] = { size, mtimeMs, md5 };
    changed = true;
  }
  if (changed) await writeMarker(dir, marker);
}

async function writeMarker(dir: string, marker: Marker): Promise<void> {
  try {
    await writeFile(path.join(dir, VERIFIED_MARKER), JSON.stringify(marker, null, 2));
  } catch {
    // A read-only dataset folder still loads; it is just verified on every load.
  }
}
