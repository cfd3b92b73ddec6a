/**
 * The worker-thread decoder: same pixels as decodeImage, bombs refused before any decoding, a decode
 * past the time limit stopped (its worker replaced), a bounded queue, and an event loop that stays
 * free while workers decode.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decodeImage,
  DEFAULT_IMAGE_LIMITS,
  DecodePoolBusy,
  ImageDecodePool,
  ImageRejected,
  readImageFile,
} from '../../src/index.ts';
import { progressiveJpeg } from '../../src/testing/jpeg-bomb.ts';

const pools: ImageDecodePool[] = [];
function pool(options: ConstructorParameters<typeof ImageDecodePool>[0] = {}) {
  const created = new ImageDecodePool(options);
  pools.push(created);
  return created;
}
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

function noisePng(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < png.data.length; i++) png.data[i] = (i * 37 + (i >> 7)) % 256;
  return PNG.sync.write(png);
}

describe('ImageDecodePool', () => {
  it('decodes PNG and JPEG exactly as decodeImage does', async () => {
    const decoder = pool({ size: 1 });
    const png = noisePng(40, 30);
    const jpg = Buffer.from(
      jpeg.encode({ width: 16, height: 16, data: Buffer.alloc(16 * 16 * 4, 200) }, 90).data,
    );
    for (const bytes of [png, jpg]) {
      const here = decodeImage(bytes);
      const there = await decoder.decode(bytes, DEFAULT_IMAGE_LIMITS);
      expect([there.width, there.height]).toEqual([here.width, here.height]);
      expect(Buffer.from(there.rgba).equals(Buffer.from(here.rgba))).toBe(true);
    }
    await expect(decoder.decode(Buffer.from('not an image'), DEFAULT_IMAGE_LIMITS)).rejects.toEqual(
      new ImageRejected('not a PNG or JPEG file', 'not-an-image'),
    );
  });

  it('refuses a progressive JPEG bomb by its scan count, at once', async () => {
    const bomb = progressiveJpeg(4096, 4096, 5000);
    expect(bomb.length).toBeLessThan(250_000);
    const started = performance.now();
    expect(() => decodeImage(bomb)).toThrow(/more than 100 scans: too costly to decode/);
    await expect(pool({ size: 1 }).decode(bomb, DEFAULT_IMAGE_LIMITS)).rejects.toMatchObject({
      kind: 'too-costly',
    });
    expect(performance.now() - started).toBeLessThan(2000);
    // Progressive and huge: 4096² pixels in 13 scans is past the budget; 12 is the most allowed.
    expect(() => decodeImage(progressiveJpeg(4096, 4096, 13))).toThrow(
      /progressive JPEG of 4096×4096 pixels in 13 scans: too costly/,
    );
    expect(decodeImage(progressiveJpeg(4096, 4096, 12)).width).toBe(4096);
  });

  it('refuses a scan header whose declared length would hide the scans after it', () => {
    // Decoders ignore a scan header's length; a walk that trusted it would skip what follows.
    const bomb = progressiveJpeg(1024, 1024, 300);
    let sos = bomb.indexOf(Buffer.from([0xff, 0xda]));
    sos = bomb.indexOf(Buffer.from([0xff, 0xda]), sos + 2); // the first AC scan
    bomb.writeUInt16BE(0xffff, sos + 2);
    expect(() => decodeImage(bomb)).toThrow(/corrupt JPEG \(bad scan header\)/);
  });

  it('stops a decode past its time limit, and the next one still works', async () => {
    const decoder = pool({ size: 1, timeoutMs: 50 });
    const heavy = progressiveJpeg(4096, 4096, 12); // allowed, but about a second to decode
    await expect(decoder.decode(heavy, DEFAULT_IMAGE_LIMITS)).rejects.toThrow(
      /took longer than 0\.1 s to decode: too costly/,
    );
    const small = noisePng(8, 8);
    const again = pool({ size: 1, timeoutMs: 5000 });
    await expect(again.decode(small, DEFAULT_IMAGE_LIMITS)).resolves.toMatchObject({ width: 8 });
    await expect(decoder.decode(small, DEFAULT_IMAGE_LIMITS)).resolves.toMatchObject({ width: 8 });
  });

  // Four 16-megapixel progressive decodes: seconds on a busy 2-core host, more than the default 5 s.
  it(
    'keeps the event loop free while it decodes, and bounds its queue',
    { timeout: 60_000 },
    async () => {
      const decoder = pool({ size: 1, maxQueued: 3 });
      const heavy = progressiveJpeg(4096, 4096, 12);
      const decodes = [1, 2, 3, 4].map(() => decoder.decode(heavy, DEFAULT_IMAGE_LIMITS));
      // One decoding, three waiting: a fifth is refused at once.
      await expect(decoder.decode(heavy, DEFAULT_IMAGE_LIMITS)).rejects.toBeInstanceOf(
        DecodePoolBusy,
      );
      let longestGap = 0;
      let last = performance.now();
      const ticker = setInterval(() => {
        const now = performance.now();
        longestGap = Math.max(longestGap, now - last);
        last = now;
      }, 10);
      const results = await Promise.all(decodes);
      clearInterval(ticker);
      expect(results.map((r) => r.width)).toEqual([4096, 4096, 4096, 4096]);
      expect(longestGap).toBeLessThan(200);
    },
  );
});

describe('readImageFile', () => {
  it('refuses what is not a regular file at once: a named pipe, a device, a folder', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'convlab-read-'));
    const fifo = path.join(dir, 'pipe.png');
    execFileSync('mkfifo', [fifo]);
    for (const file of [fifo, '/dev/zero', dir])
      await expect(readImageFile(file)).rejects.toEqual(
        new ImageRejected('not a regular file', 'unreadable'),
      );
    rmSync(dir, { recursive: true, force: true });
  });
});
