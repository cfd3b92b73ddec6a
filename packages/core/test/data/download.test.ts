/**
 * Bounded downloads against loopback servers, written as the attacks: a mirror that streams far past
 * the file's size (declared or not), a redirect to another plain-http host, and a mirror refused
 * before it sends anything.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDX_SOURCES } from '../../src/data/dataset-sources.ts';
import { downloadFile, redirectAllowed } from '../../src/data/download.ts';

let tmp: string;
const servers: Server[] = [];
const payload = Buffer.alloc(64 * 1024, 7);
const md5 = createHash('md5').update(payload).digest('hex');

async function serve(
  host: string,
  handler: Parameters<typeof createServer>[1],
): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address();
  return `http://${host}:${typeof address === 'object' && address ? address.port : 0}`;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'convlab-download-'));
});
afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  await rm(tmp, { recursive: true, force: true });
});

describe('downloadFile', () => {
  it('downloads a file of the right size and md5', async () => {
    const base = await serve('127.0.0.1', (_, response) => response.end(payload));
    const file = path.join(tmp, 'ok.bin');
    await downloadFile(`${base}/ok.bin`, file, { expectedMd5: md5, maxBytes: 100_000 });
    expect(existsSync(file)).toBe(true);
  });

  it('stops a mirror that streams past the cap, without writing what came after', async () => {
    let sent = 0;
    const endless = await serve('127.0.0.1', (_, response) => {
      // No content-length: 1 MiB chunks for as long as the client reads (at most 300 MiB).
      const chunk = Buffer.alloc(1024 * 1024);
      const push = () => {
        while (sent < 300 * 1024 * 1024) {
          sent += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', push);
        }
        response.end();
      };
      push();
    });
    const file = path.join(tmp, 'endless.bin');
    await expect(
      downloadFile(`${endless}/big`, file, { expectedMd5: md5, maxBytes: 10 * 1024 * 1024 }),
    ).rejects.toThrow(/larger than expected \(more than 10485760 bytes sent/);
    expect(sent).toBeLessThan(100 * 1024 * 1024); // stopped long before the 300 MiB
    expect((await readdir(tmp)).filter((f) => f.startsWith('endless'))).toEqual([]);

    const declared = await serve('127.0.0.1', (_, response) => {
      response.writeHead(200, { 'content-length': String(314 * 1024 * 1024) });
      response.write(Buffer.alloc(1024));
    });
    await expect(
      downloadFile(`${declared}/big`, file, { expectedMd5: md5, maxBytes: 10 * 1024 * 1024 }),
    ).rejects.toThrow(/larger than expected \(329252864 bytes declared/);
  });

  it('follows a redirect on the same host, refuses one to another plain-http host', async () => {
    const other = await serve('127.0.0.2', (_, response) => response.end(payload));
    const mirror = await serve('127.0.0.1', (request, response) => {
      const to = request.url === '/same' ? '/file' : request.url === '/away' ? `${other}/file` : null;
      if (to) response.writeHead(302, { location: to }).end();
      else response.end(payload);
    });
    await downloadFile(`${mirror}/same`, path.join(tmp, 'same.bin'), {
      expectedMd5: md5,
      maxBytes: 100_000,
    });
    await expect(
      downloadFile(`${mirror}/away`, path.join(tmp, 'away.bin'), {
        expectedMd5: md5,
        maxBytes: 100_000,
      }),
    ).rejects.toThrow(
      /redirects to http:\/\/127\.0\.0\.2:\d+\/file: only redirects to the same host or to https are followed/,
    );
    expect(existsSync(path.join(tmp, 'away.bin'))).toBe(false);
    expect(redirectAllowed(new URL('http://a/x'), new URL('https://b/y'))).toBe(true);
    expect(redirectAllowed(new URL('https://a/x'), new URL('http://a/y'))).toBe(false);
  });

  it('builds in https mirrors only (a sources file may name http ones explicitly)', () => {
    const mirrors = Object.values(IDX_SOURCES).flatMap((source) => source.mirrors);
    expect(mirrors.length).toBeGreaterThan(0);
    for (const mirror of mirrors) expect(mirror).toMatch(/^https:\/\//);
  });
});
