import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createArtifactStore,
  defaultArtifactStoreKind,
  enqueueRun,
  readFolderAsArtifacts,
  runFolderFile,
  writeArtifactsToFolder,
  type ArtifactStore,
} from '../src/index.ts';
import { createTempDatabase, TEST_PROVIDERS, type TempDatabase } from './helpers.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | null) => (data ? new TextDecoder().decode(data) : null);

let temp: TempDatabase;
afterEach(async () => {
  await temp.cleanup();
});

describe.each(TEST_PROVIDERS)('the database artifact store on %s', (provider) => {
  let store: ArtifactStore;
  let runId: string;
  beforeEach(async () => {
    temp = await createTempDatabase(provider);
    store = createArtifactStore(temp.db, 'database');
    runId = (await enqueueRun(temp.db, { config: { preset: 'tiny-cnn' } })).id;
  });

  it('is the default on PostgreSQL only', () => {
    expect(defaultArtifactStoreKind(temp.db)).toBe(
      provider === 'postgresql' ? 'database' : 'folder',
    );
  });

  it('replaces a folder of files at once and reads them back byte for byte', async () => {
    const weights = new Uint8Array(256 * 1024).map((_, i) => (i * 31) % 256);
    await store.replace(runId, 'checkpoint/', [
      { path: 'checkpoint/state.json', bytes: bytes('{"epoch":1}') },
      { path: 'checkpoint/model/weights.bin', bytes: weights },
    ]);
    await store.replace(runId, 'report.json', [{ path: 'report.json', bytes: bytes('{}') }]);
    expect(await store.list(runId, 'checkpoint/')).toEqual([
      { path: 'checkpoint/model/weights.bin', size: weights.byteLength },
      { path: 'checkpoint/state.json', size: 11 },
    ]);
    expect(await store.read(runId, 'checkpoint/model/weights.bin')).toEqual(weights);

    // The next epoch's checkpoint replaces the whole folder: no file of the old one is left.
    await store.replace(runId, 'checkpoint/', [
      { path: 'checkpoint/state.json', bytes: bytes('{"epoch":2}') },
    ]);
    expect((await store.list(runId)).map((e) => e.path)).toEqual([
      'checkpoint/state.json',
      'report.json',
    ]);
    expect(text(await store.read(runId, 'checkpoint/state.json'))).toBe('{"epoch":2}');
    expect(await store.read(runId, 'checkpoint/model/weights.bin')).toBeNull();

    await store.remove(runId, 'checkpoint/');
    expect((await store.list(runId)).map((e) => e.path)).toEqual(['report.json']);
  });

  it('keeps the old files when a replace fails part-way (one transaction)', async () => {
    await store.replace(runId, 'checkpoint/', [
      { path: 'checkpoint/state.json', bytes: bytes('{"epoch":1}') },
    ]);
    // The same path twice: the insert fails after the delete ran, inside the transaction.
    await expect(
      store.replace(runId, 'checkpoint/', [
        { path: 'checkpoint/state.json', bytes: bytes('{"epoch":2}') },
        { path: 'checkpoint/state.json', bytes: bytes('{"epoch":2}') },
      ]),
    ).rejects.toThrow();
    expect(text(await store.read(runId, 'checkpoint/state.json'))).toBe('{"epoch":1}');
  });

  it('refuses paths outside the run and files outside the folder being replaced', async () => {
    await expect(
      store.replace(runId, 'model/', [{ path: 'model/../../etc/passwd', bytes: bytes('x') }]),
    ).rejects.toThrow(/invalid artifact path/);
    await expect(
      store.replace(runId, 'model/', [{ path: 'report.json', bytes: bytes('x') }]),
    ).rejects.toThrow(/not under model\//);
    expect(await store.list(runId)).toEqual([]);
  });

  it('copies a local folder in and back out unchanged', async () => {
    const source = path.join(temp.dir, 'source');
    mkdirSync(path.join(source, 'model'), { recursive: true });
    writeFileSync(path.join(source, 'state.json'), '{"epoch":3}');
    writeFileSync(path.join(source, 'model', 'model.json'), '{"modelTopology":{}}');
    await store.replace(runId, 'checkpoint/', await readFolderAsArtifacts(source, 'checkpoint/'));
    const copy = path.join(temp.dir, 'copy', 'checkpoint');
    expect(await writeArtifactsToFolder(store, runId, 'checkpoint/', copy)).toBe(2);
    expect(await readFolderAsArtifacts(copy, '')).toEqual(await readFolderAsArtifacts(source, ''));
  });

  it('pushes the run folder’s files in, pulls a checkpoint out and discards both copies', async () => {
    process.env.CONVLAB_RUNS_DIR = path.join(temp.dir, 'runs');
    try {
      const dir = path.join(temp.dir, 'runs', runId);
      mkdirSync(path.join(dir, 'checkpoint'), { recursive: true });
      writeFileSync(path.join(dir, 'checkpoint', 'state.json'), '{"epoch":2}');
      writeFileSync(path.join(dir, 'report.json'), '{}');
      await store.push(runId, 'checkpoint/');
      await store.push(runId, 'report.json');
      expect((await store.list(runId)).map((e) => e.path)).toEqual([
        'checkpoint/state.json',
        'report.json',
      ]);
      const download = await store.open(runId, 'report.json');
      expect(download?.size).toBe(2);
      expect(await new Response(download?.body).text()).toBe('{}');
      expect(await store.open(runId, 'model/model.json')).toBeNull();

      // Another host's (or an older attempt's) checkpoint is replaced by the stored one.
      writeFileSync(path.join(dir, 'checkpoint', 'state.json'), '{"epoch":1}');
      writeFileSync(path.join(dir, 'checkpoint', 'stale.bin'), 'x');
      expect(await store.pull(runId, 'checkpoint/')).toBe(1);
      expect(readFileSync(path.join(dir, 'checkpoint', 'state.json'), 'utf8')).toBe('{"epoch":2}');
      expect(existsSync(path.join(dir, 'checkpoint', 'stale.bin'))).toBe(false);

      await store.discard(runId, 'checkpoint/');
      expect(existsSync(path.join(dir, 'checkpoint'))).toBe(false);
      expect((await store.list(runId)).map((e) => e.path)).toEqual(['report.json']);
      // Nothing stored: a local checkpoint is not the run's any more.
      mkdirSync(path.join(dir, 'checkpoint'));
      writeFileSync(path.join(dir, 'checkpoint', 'state.json'), '{"epoch":1}');
      expect(await store.pull(runId, 'checkpoint/')).toBe(0);
      expect(existsSync(path.join(dir, 'checkpoint'))).toBe(false);
    } finally {
      delete process.env.CONVLAB_RUNS_DIR;
    }
  });

  it('gives a scratch folder holding the stored model, removed on release', async () => {
    await store.replace(runId, 'model/', [{ path: 'model/model.json', bytes: bytes('{}') }]);
    const local = await store.localFolder(runId, 'model/');
    expect(readFileSync(path.join(local.dir, 'model', 'model.json'), 'utf8')).toBe('{}');
    await local.release();
    expect(existsSync(local.dir)).toBe(false);
  });

  it('drops a run’s files with the run', async () => {
    await store.replace(runId, 'report.json', [{ path: 'report.json', bytes: bytes('{}') }]);
    await temp.db.run.delete({ where: { id: runId } });
    expect(await store.list(runId)).toEqual([]);
  });
});

describe('the folder artifact store', () => {
  beforeEach(async () => {
    temp = await createTempDatabase();
    process.env.CONVLAB_RUNS_DIR = path.join(temp.dir, 'runs');
  });
  afterEach(() => {
    delete process.env.CONVLAB_RUNS_DIR;
  });

  it('reads the run folder and never follows a link out of it', async () => {
    const store = createArtifactStore(temp.db);
    expect(store.kind).toBe('folder');
    const runId = (await enqueueRun(temp.db, { config: { preset: 'tiny-cnn' } })).id;
    const dir = path.join(temp.dir, 'runs', runId);
    mkdirSync(path.join(dir, 'model'), { recursive: true });
    writeFileSync(path.join(dir, 'report.json'), '{"testAcc":0.5}');
    writeFileSync(path.join(temp.dir, 'secret.txt'), 'secret');
    symlinkSync(path.join(temp.dir, 'secret.txt'), path.join(dir, 'model', 'weights.bin'));
    expect(text(await store.read(runId, 'report.json'))).toBe('{"testAcc":0.5}');
    expect(await store.read(runId, 'model/weights.bin')).toBeNull();
    expect((await store.list(runId)).map((e) => e.path)).toEqual(['report.json']);
    await store.replace(runId, 'model/', [{ path: 'model/model.json', bytes: bytes('{}') }]);
    expect((await store.list(runId, 'model/')).map((e) => e.path)).toEqual(['model/model.json']);
    await store.remove(runId);
    expect(await store.list(runId)).toEqual([]);
  });

  it('is its own run folder: push and pull copy nothing, open streams the file', async () => {
    const store = createArtifactStore(temp.db);
    const runId = (await enqueueRun(temp.db, { config: { preset: 'tiny-cnn' } })).id;
    const dir = path.join(temp.dir, 'runs', runId);
    mkdirSync(path.join(dir, 'checkpoint'), { recursive: true });
    mkdirSync(path.join(dir, 'model'));
    writeFileSync(path.join(dir, 'checkpoint', 'state.json'), '{"epoch":1}');
    writeFileSync(path.join(dir, 'model', 'model.json'), '{}');
    writeFileSync(path.join(temp.dir, 'secret.txt'), 'secret');
    symlinkSync(path.join(temp.dir, 'secret.txt'), path.join(dir, 'report.json'));
    await store.push(runId, 'checkpoint/');
    expect(await store.pull(runId, 'checkpoint/')).toBe(0);
    expect(existsSync(path.join(dir, 'checkpoint', 'state.json'))).toBe(true);
    const download = await store.open(runId, 'model/model.json');
    expect(download?.size).toBe(2);
    expect(await new Response(download?.body).text()).toBe('{}');
    expect(await store.open(runId, 'report.json')).toBeNull();
    expect((await store.localFolder(runId, 'model/')).dir).toBe(dir);
    await store.discard(runId, 'checkpoint/');
    expect(existsSync(path.join(dir, 'checkpoint'))).toBe(false);
    expect(existsSync(path.join(dir, 'model', 'model.json'))).toBe(true);
  });

  it('does not follow a run folder that is itself a link', async () => {
    const store = createArtifactStore(temp.db);
    const runId = (await enqueueRun(temp.db, { config: { preset: 'tiny-cnn' } })).id;
    const elsewhere = path.join(temp.dir, 'elsewhere');
    mkdirSync(elsewhere, { recursive: true });
    writeFileSync(path.join(elsewhere, 'report.json'), '{"secret":true}');
    mkdirSync(path.join(temp.dir, 'runs'), { recursive: true });
    symlinkSync(elsewhere, path.join(temp.dir, 'runs', runId));
    expect(await store.read(runId, 'report.json')).toBeNull();
    expect(await store.list(runId)).toEqual([]);
    expect(await runFolderFile(runId, 'report.json')).toBeNull();
    // Nor is anything written or deleted where it points.
    await expect(
      store.replace(runId, 'model/', [{ path: 'model/model.json', bytes: bytes('{}') }]),
    ).rejects.toThrow(/not a folder \(a link\?\)/);
    await store.remove(runId, 'report.json');
    await store.discard(runId, 'report.json');
    expect(await store.open(runId, 'report.json')).toBeNull();
    await expect(store.localFolder(runId, 'model/')).rejects.toThrow(/a link/);
    expect(existsSync(path.join(elsewhere, 'report.json'))).toBe(true);
    expect(existsSync(path.join(elsewhere, 'model'))).toBe(false);
  });
});
