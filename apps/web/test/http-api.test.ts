/** The API as the browser sees it: HTTP requests through tRPC's fetch adapter, errors formatted. */
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessPolicy } from '~/server/access.ts';
import { handleTRPCRequest, MAX_BATCH_SIZE, MAX_BODY_BYTES } from '~/server/trpc-handler.ts';
import { createTestDatabase, dataPolicy, LOOPBACK_POLICY, type TestDatabase } from './harness.ts';

const TOKEN = 'a-long-enough-token';
const REMOTE: AccessPolicy = { loopback: false, token: TOKEN, publicReads: false };

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.cleanup();
});

interface ErrorBody {
  error: {
    json: {
      message: string;
      data: { code: string; httpStatus: number; fieldErrors: Record<string, string> | null };
    };
  };
}

async function call(
  policy: AccessPolicy,
  procedure: string,
  input: unknown,
  options: { method?: 'GET' | 'POST'; headers?: Record<string, string> } = {},
): Promise<Response> {
  const method = options.method ?? 'POST';
  const encoded = JSON.stringify(superjson.serialize(input));
  const url =
    method === 'GET'
      ? `http://127.0.0.1:3000/api/trpc/${procedure}?input=${encodeURIComponent(encoded)}`
      : `http://127.0.0.1:3000/api/trpc/${procedure}`;
  const request = new Request(url, {
    method,
    headers: { 'content-type': 'application/json', host: '127.0.0.1:3000', ...options.headers },
    body: method === 'POST' ? encoded : undefined,
  });
  return handleTRPCRequest(request, {
    db: () => Promise.resolve(t.db),
    policy,
    dataPolicy: dataPolicy(t.dir),
  });
}

describe('queue form validation over HTTP', () => {
  it('answers 400 with one message per bad field', async () => {
    const response = await call(LOOPBACK_POLICY, 'runs.queue', {
      config: { preset: 'tiny-cnn', epochs: 0, batchSize: 1e9, learningRate: -1 },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.json.data.code).toBe('BAD_REQUEST');
    expect(Object.keys(body.error.json.data.fieldErrors ?? {}).sort()).toEqual([
      'batchSize',
      'epochs',
      'learningRate',
    ]);
  });

  it('queues a valid run', async () => {
    const response = await call(LOOPBACK_POLICY, 'runs.queue', { config: { preset: 'tiny-cnn' } });
    expect(response.status).toBe(200);
  });
});

describe('request bodies', () => {
  it('refuses a body past the limit before reading it whole (413), declared or streamed', async () => {
    const declared = await call(
      LOOPBACK_POLICY,
      'predict.images',
      { runId: 'r0', images: [] },
      {
        headers: { 'content-length': String(MAX_BODY_BYTES + 1) },
      },
    );
    expect(declared.status).toBe(413);
    const chunk = new Uint8Array(1024 * 1024);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += chunk.length;
        if (sent > MAX_BODY_BYTES + chunk.length) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const streamed = await handleTRPCRequest(
      new Request('http://127.0.0.1:3000/api/trpc/predict.images', {
        method: 'POST',
        headers: { 'content-type': 'application/json', host: '127.0.0.1:3000' },
        body,
        duplex: 'half',
      } as RequestInit),
      { db: () => Promise.resolve(t.db), policy: LOOPBACK_POLICY, dataPolicy: dataPolicy(t.dir) },
    );
    expect(streamed.status).toBe(413);
    expect(sent).toBeLessThanOrEqual(MAX_BODY_BYTES + 2 * chunk.length); // stopped reading
  });
});

describe('token enforcement off loopback', () => {
  it('refuses reads and mutations without the token', async () => {
    expect((await call(REMOTE, 'runs.list', undefined, { method: 'GET' })).status).toBe(401);
    expect((await call(REMOTE, 'runs.queue', { config: { preset: 'tiny-cnn' } })).status).toBe(401);
    expect((await call(REMOTE, 'auth.status', undefined, { method: 'GET' })).status).toBe(200);
  });

  it('accepts the token in a header or the login cookie', async () => {
    const before = await t.db.run.count();
    const viaHeader = await call(
      REMOTE,
      'runs.queue',
      { config: { preset: 'tiny-cnn' } },
      {
        headers: { 'x-convlab-token': TOKEN },
      },
    );
    expect(viaHeader.status).toBe(200);
    const viaCookie = await call(REMOTE, 'runs.list', undefined, {
      method: 'GET',
      headers: { cookie: `convlab_token=${TOKEN}` },
    });
    expect(viaCookie.status).toBe(200);
    const wrong = await call(
      REMOTE,
      'runs.queue',
      { config: { preset: 'tiny-cnn' } },
      {
        headers: { authorization: 'Bearer not-the-token' },
      },
    );
    expect(wrong.status).toBe(401);
    expect(await t.db.run.count()).toBe(before + 1);
  });

  it('with public reads, reads pass and mutations still need the token', async () => {
    const policy = { ...REMOTE, publicReads: true };
    expect((await call(policy, 'runs.list', undefined, { method: 'GET' })).status).toBe(200);
    expect((await call(policy, 'runs.queue', { config: { preset: 'tiny-cnn' } })).status).toBe(401);
    const { runs } = await t.caller({ policy, headers: { 'x-convlab-token': TOKEN } }).runs.list();
    const first = runs[0];
    if (!first) throw new Error('expected runs');
    await expect(t.caller({ policy }).runs.cancel({ id: first.id })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    expect(await t.caller({ policy }).auth.status()).toEqual({
      tokenRequired: true,
      canRead: true,
      canWrite: false,
    });
  });
});

describe('batched requests', () => {
  const batch = (count: number) => {
    const paths = Array.from({ length: count }, () => 'presets.list').join(',');
    const input = Object.fromEntries(
      Array.from({ length: count }, (_, i) => [i, superjson.serialize(undefined)]),
    );
    const request = new Request(
      `http://127.0.0.1:3000/api/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`,
      { headers: { host: '127.0.0.1:3000' } },
    );
    return handleTRPCRequest(request, {
      db: () => Promise.resolve(t.db),
      policy: LOOPBACK_POLICY,
      dataPolicy: dataPolicy(t.dir),
    });
  };

  it(`runs up to ${MAX_BATCH_SIZE} procedures in one request and refuses 300 with a 400`, async () => {
    expect((await batch(MAX_BATCH_SIZE)).status).toBe(200);
    const refused = await batch(300);
    expect(refused.status).toBe(400);
  });
});
