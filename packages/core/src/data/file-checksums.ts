/**
 * Checksums of large files, with a per-folder marker file so a file verified once is not hashed again
 * on every load unless its size or modification time changed.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

export const VERIFIED_MARKER = '.convlab-verified.json';

/** What a file was verified against (`md5:<hex>`, `sha256:<hex>` of its contents, …). */
const markerSchema = z.record(
  z.string(),
  z.object({ size: z.number(), mtimeMs: z.number(), checksum: z.string() }),
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
    // Missing, unreadable or older marker: everything is simply verified again.
    return {};
  }
}

async function writeMarker(dir: string, marker: Marker): Promise<void> {
  try {
    await writeFile(path.join(dir, VERIFIED_MARKER), JSON.stringify(marker, null, 2));
  } catch {
    // A read-only dataset folder still loads; it is just verified on every load.
  }
}

/**
 * Check that each file in `dir` (by name) has its expected checksum as `digest` computes it, hashing
 * only files whose size/mtime changed since they were last verified against that checksum. Throws
 * `mismatch(...)` for the first file that differs.
 */
export async function verifyChecksums(
  dir: string,
  expected: Record<string, string>,
  digest: (file: string) => Promise<string>,
  mismatch: (file: string, actual: string, expected: string) => Error,
): Promise<void> {
  const marker = await readMarker(dir);
  let changed = false;
  for (const [name, checksum] of Object.entries(expected)) {
    const file = path.join(dir, name);
    const { size, mtimeMs } = await stat(file);
    const seen = marker[name];
    if (seen && seen.size === size && seen.mtimeMs === mtimeMs && seen.checksum === checksum)
      continue;
    const actual = await digest(file);
    if (actual !== checksum) {
      delete marker[name];
      await writeMarker(dir, marker);
      throw mismatch(file, actual, checksum);
    }
    marker[name] = { size, mtimeMs, checksum };
    changed = true;
  }
  if (changed) await writeMarker(dir, marker);
}

/** verifyChecksums with the md5 of each file's bytes. */
export function verifyMd5s(
  dir: string,
  expected: Record<string, string>,
  fixHint: string,
): Promise<void> {
  return verifyChecksums(
    dir,
    expected,
    md5OfFile,
    (file, actual, md5) =>
      new Error(`${file} is corrupt: md5 ${actual}, expected ${md5}. ${fixHint}`),
  );
}
