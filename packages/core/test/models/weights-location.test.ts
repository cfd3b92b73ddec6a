import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkRunLocations,
  checkWeightsUrl,
  RunLocationError,
  type WeightsPolicy,
} from '../../src/index.ts';

let tmp: string;
let policy: WeightsPolicy;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'convlab-weights-'));
  await mkdir(path.join(tmp, 'weights', 'm'), { recursive: true });
  await writeFile(path.join(tmp, 'weights', 'm', 'model.json'), '{}');
  await writeFile(path.join(tmp, 'secret.json'), '{}');
  await symlink(path.join(tmp, 'secret.json'), path.join(tmp, 'weights', 'leak.json'));
  policy = { roots: [path.join(tmp, 'weights')], hosts: ['storage.googleapis.com'] };
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('weightsUrl policy', () => {
  it('accepts models under a weights root and https on an allowed host', async () => {
    const model = path.join(tmp, 'weights', 'm', 'model.json');
    expect(await checkWeightsUrl(model, policy)).toBe(model);
    expect(await checkWeightsUrl(`file://${model}`, policy)).toBe(model);
    expect(await checkWeightsUrl(path.join(tmp, 'weights', 'm'), policy)).toBe(
      path.join(tmp, 'weights', 'm'),
    );
    const url = 'https://storage.googleapis.com/teachable-machine-models/x/model.json';
    expect(await checkWeightsUrl(url, policy)).toBe(url);
  });

  it.each([
    'file:///etc/passwd',
    '/etc/passwd',
    'weights/../../secret.json',
    'http://storage.googleapis.com/model.json',
    'https://evil.example/model.json',
    'https://127.0.0.1/model.json',
    'https://storage.googleapis.com:8443/model.json',
    'https://user:pw@storage.googleapis.com/model.json',
    'ftp://storage.googleapis.com/model.json',
    'data:application/json,{}',
  ])('refuses %s', async (location) => {
    await expect(checkWeightsUrl(location, policy)).rejects.toThrow();
  });

  it('follows symlinks and refuses one that leads out of the roots', async () => {
    await expect(checkWeightsUrl(path.join(tmp, 'weights', 'leak.json'), policy)).rejects.toThrow(
      /inside a weights root/,
    );
  });

  it('refuses a loopback URL at queue time without sending it a request', async () => {
    let requests = 0;
    const server = createServer((_, res) => {
      requests++;
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      for (const weightsUrl of [
        `http://127.0.0.1:${port}/internal/model.json`,
        `https://127.0.0.1:${port}/model.json`,
        `http://localhost:${port}/model.json`,
      ]) {
        const error = await checkRunLocations(
          { dataset: 'synthetic', weightsUrl },
          { datasetRoots: [tmp], weights: policy },
        ).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(RunLocationError);
        expect((error as RunLocationError).field).toBe('weightsUrl');
      }
      expect(requests).toBe(0);
    } finally {
      server.close();
    }
  });
});
