/** Replacing a folder as a whole (no tfjs here, so the database package can use it too). */
import { mkdir, rename, rm } from 'node:fs/promises';

/** Fill a fresh temporary folder, then swap it in for `dir` (rename is atomic on one filesystem). */
export async function writeDirAtomically(
  dir: string,
  fill: (tmpDir: string) => Promise<void>,
): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  const old = `${dir}.old-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await fill(tmp);
  await rm(old, { recursive: true, force: true });
  await rename(dir, old).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await rename(tmp, dir);
  await rm(old, { recursive: true, force: true });
}
