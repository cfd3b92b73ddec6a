/**
 * Download one file over HTTP(S) with a short connect timeout, a stall timeout, progress messages and an
 * md5 check. The file is written beside its target and renamed only once its md5 matched.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';

export interface DownloadOptions {
  /** How long to wait for the server's response headers (default 5 s). */
  connectTimeoutMs?: number;
  /** Abort when no data arrived for this long (default 60 s). */
  stallTimeoutMs?: number;
  expectedMd5: string;
  onProgress?: (message: string) => void;
  /** Shown in progress messages. */
  label?: string;
}

export async function downloadFile(
  url: string,
  file: string,
  options: DownloadOptions,
): Promise<void> {
  const {
    connectTimeoutMs = 5000,
    stallTimeoutMs = 60_000,
    expectedMd5,
    onProgress,
    label = url,
  } = options;
  const partial = `${file}.partial`;
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), connectTimeoutMs);
  try {
    const response = await fetch(url, { signal: controller.signal });
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status} from ${url}`);
    const total = Number(response.headers.get('content-length') ?? 0);
    const hash = createHash('md5');
    const out = createWriteStream(partial);
    let received = 0;
    let reported = -10;
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        clearTimeout(timer);
        timer = setTimeout(() => controller.abort(), stallTimeoutMs);
        hash.update(chunk);
        if (!out.write(chunk))
          await new Promise<void>((resolve) => out.once('drain', () => resolve()));
        received += chunk.length;
        const percent = total > 0 ? Math.floor((received / total) * 100) : 0;
        if (total > 0 && percent >= reported + 10) {
          reported = percent;
          onProgress?.(`downloading ${label}: ${percent}% of ${(total / 1e6).toFixed(1)} MB`);
        }
      }
    } finally {
      await new Promise<void>((resolve, reject) =>
        out.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
    }
    const md5 = hash.digest('hex');
    if (md5 !== expectedMd5)
      throw new Error(`${label} downloaded with md5 ${md5}, expected ${expectedMd5}`);
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
