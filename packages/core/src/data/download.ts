/**
 * Download one file over HTTP(S) with a short connect timeout, a stall timeout, progress messages, a
 * size cap and an md5 check. The file is written beside its target and renamed only once its md5
 * matched. Redirects are followed by hand (at most 5), only to the same host or to https: a mirror
 * cannot send the download to some other plain-http host. Past `maxBytes` — declared or streamed —
 * the download stops at once instead of filling the disk before the md5 refuses it.
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
  /** The most bytes the file may have (its known size with some headroom). */
  maxBytes: number;
  onProgress?: (message: string) => void;
  /** Shown in progress messages. */
  label?: string;
}

const MAX_REDIRECTS = 5;

/** Where a redirect from `from` may go: the same host (any scheme it had), or anywhere over https. */
export function redirectAllowed(from: URL, to: URL): boolean {
  if (to.protocol === 'https:') return true;
  return to.protocol === from.protocol && to.host === from.host;
}

/** A size cap with headroom over a known size: 1 % plus 1 MiB. */
export function withHeadroom(bytes: number): number {
  return Math.ceil(bytes * 1.01) + 1024 * 1024;
}

async function fetchFollowingSafeRedirects(url: string, signal: AbortSignal): Promise<Response> {
  let current = new URL(url);
  if (current.protocol !== 'https:' && current.protocol !== 'http:')
    throw new Error(`${url}: only http and https downloads are supported`);
  for (let hop = 0; ; hop++) {
    const response = await fetch(current, { signal, redirect: 'manual' });
    if (response.status < 300 || response.status >= 400) return response;
    await response.body?.cancel();
    const location = response.headers.get('location');
    if (!location)
      throw new Error(`HTTP ${response.status} from ${current.href} without a location`);
    const next = new URL(location, current);
    if (!redirectAllowed(current, next))
      throw new Error(
        `${current.href} redirects to ${next.href}: only redirects to the same host or to https are followed`,
      );
    if (hop >= MAX_REDIRECTS) throw new Error(`${url}: more than ${MAX_REDIRECTS} redirects`);
    current = next;
  }
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
    maxBytes,
    onProgress,
    label = url,
  } = options;
  const partial = `${file}.partial`;
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), connectTimeoutMs);
  const tooLarge = (bytes: string) =>
    new Error(
      `${label} is larger than expected (${bytes}, at most ${maxBytes} bytes); refusing it`,
    );
  try {
    const response = await fetchFollowingSafeRedirects(url, controller.signal);
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status} from ${url}`);
    const total = Number(response.headers.get('content-length') ?? 0);
    if (total > maxBytes) {
      await response.body.cancel();
      throw tooLarge(`${total} bytes declared`);
    }
    const hash = createHash('md5');
    const out = createWriteStream(partial);
    let received = 0;
    let reported = -10;
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        clearTimeout(timer);
        timer = setTimeout(() => controller.abort(), stallTimeoutMs);
        received += chunk.length;
        if (received > maxBytes) {
          controller.abort();
          throw tooLarge(`more than ${maxBytes} bytes sent`);
        }
        hash.update(chunk);
        if (!out.write(chunk))
          await new Promise<void>((resolve) => out.once('drain', () => resolve()));
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
