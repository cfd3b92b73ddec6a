/**
 * A tiny MNIST-shaped dataset (the four gzipped IDX files) and a loopback HTTP server for it: what the
 * dataset fetcher downloads in tests instead of the official mirrors, through the same code path
 * (CONVLAB_DATASET_SOURCES names the mirror and the files' md5s).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

function idxImages(count: number, label: (i: number) => number): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(2051, 0);
  header.writeUInt32BE(count, 4);
  header.writeUInt32BE(28, 8);
  header.writeUInt32BE(28, 12);
  const pixels = Buffer.alloc(count * 28 * 28);
  // Class c is a bright horizontal bar at row 2c + 4: easy to learn, different per class.
  for (let i = 0; i < count; i++) {
    const row = 2 * label(i) + 4;
    for (let x = 4; x < 24; x++) pixels[i * 784 + row * 28 + x] = 255;
  }
  return Buffer.concat([header, pixels]);
}

function idxLabels(count: number, label: (i: number) => number): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(2049, 0);
  header.writeUInt32BE(count, 4);
  return Buffer.concat([header, Buffer.from(Array.from({ length: count }, (_, i) => label(i)))]);
}

/** Writes the four .gz files into `dir`; returns their md5s by file name. */
export function writeIdxFixture(
  dir: string,
  counts: { train: number; test: number },
): Record<string, string> {
  mkdirSync(dir, { recursive: true });
  const label = (i: number) => i % 10;
  const files: Record<string, Buffer> = {
    'train-images-idx3-ubyte.gz': gzipSync(idxImages(counts.train, label)),
    'train-labels-idx1-ubyte.gz': gzipSync(idxLabels(counts.train, label)),
    't10k-images-idx3-ubyte.gz': gzipSync(idxImages(counts.test, label)),
    't10k-labels-idx1-ubyte.gz': gzipSync(idxLabels(counts.test, label)),
  };
  const md5: Record<string, string> = {};
  for (const [name, bytes] of Object.entries(files)) {
    writeFileSync(path.join(dir, name), bytes);
    md5[name] = createHash('md5').update(bytes).digest('hex');
  }
  return md5;
}

/** Serves the files of `dir` on 127.0.0.1 until `close()`. */
export async function serveFixture(
  dir: string,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((request, response) => {
    const name = path.basename(new URL(request.url ?? '/', 'http://x').pathname);
    try {
      const bytes = readFileSync(path.join(dir, name));
      response.writeHead(200, { 'content-length': bytes.length });
      response.end(bytes);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A CONVLAB_DATASET_SOURCES file pointing mnist at `mirror` with those md5s; returns its path. */
export function writeSourcesFile(
  file: string,
  mirror: string,
  md5: Record<string, string>,
): string {
  writeFileSync(file, JSON.stringify({ mnist: { mirrors: [mirror], md5 } }));
  return file;
}
