/**
 * Reading request bodies within bounds: each body up to its own limit (413 past it, declared or
 * streamed, without reading further), and all bodies being read at once up to a shared budget.
 */

/** A sign-in form holds a token and a path back: anything longer is none (and is never read whole). */
export const MAX_LOGIN_BODY_BYTES = 4096;

/**
 * All bodies being read at once hold at most this much: past it a request is answered 503 instead of
 * buffered, so many large posts at once cannot take the server's memory.
 */
export const MAX_BUFFERED_BODY_BYTES = 100 * 1024 * 1024;
let bufferedBodyBytes = 0;
/** The longest a body may take to arrive (34 MiB at 1 MB/s is about 36 s). */
export const BODY_DEADLINE_MS = 60_000;

/**
 * The request with its body read, or a 413 response when the body is (or turns out to be) larger than
 * `maxBytes`: the fetch adapter would otherwise read any body whole before the input is validated.
 */
export async function limitBody(request: Request, maxBytes: number): Promise<Request | Response> {
  const tooLarge = () =>
    new Response(`request body too large: at most ${maxBytes} bytes`, { status: 413 });
  const busy = () =>
    new Response('the server is busy reading other requests; try again in a moment', {
      status: 503,
      headers: { 'retry-after': '2' },
    });
  if (!request.body) return request;
  if (Number(request.headers.get('content-length') ?? 0) > maxBytes) return tooLarge();
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = request.body.getReader();
  // A body trickled in slowly would hold its share of the budget for ever: it has a deadline.
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), BODY_DEADLINE_MS);
  });
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), deadline]);
      if (next === 'late') {
        await reader.cancel();
        return new Response(`request body not received within ${BODY_DEADLINE_MS / 1000} s`, {
          status: 408,
        });
      }
      const { done, value } = next;
      if (done) break;
      received += value.byteLength;
      bufferedBodyBytes += value.byteLength;
      if (received > maxBytes || bufferedBodyBytes > MAX_BUFFERED_BODY_BYTES) {
        await reader.cancel();
        return received > maxBytes ? tooLarge() : busy();
      }
      chunks.push(value);
    }
  } finally {
    clearTimeout(timer);
    bufferedBodyBytes -= received;
  }
  return new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body: Buffer.concat(chunks),
  });
}
