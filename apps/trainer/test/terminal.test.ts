/**
 * The daemon's output for a person: readable lines and a live progress line through a real
 * pseudo-terminal (`script`), JSON otherwise. Plus TerminalLog on its own.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TerminalLog } from '../src/terminal-log.ts';
import { CONVLAB_BIN, createSandbox, type Sandbox } from './harness.ts';

/** Runs `convlab <args>` inside a pseudo-terminal; everything the terminal received. */
function inTerminal(sandbox: Sandbox, args: string[], env: NodeJS.ProcessEnv = {}) {
  const command = [process.execPath, CONVLAB_BIN, ...args].map((a) => `'${a}'`).join(' ');
  return new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      'script',
      ['-qfec', command, '/dev/null'],
      {
        // Colours as on a person's terminal: CI sets CI (no colours for Node) and may set NO_COLOR.
        env: { ...sandbox.env, CI: undefined, NO_COLOR: undefined, FORCE_COLOR: '1', ...env },
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout }),
    );
  });
}

const ESC = '\u001b';

describe('trainer output on a terminal', () => {
  let sandbox: Sandbox;
  beforeAll(() => {
    sandbox = createSandbox();
  });
  afterAll(async () => {
    await sandbox.cleanup();
  });

  it('prints human lines, a progress line redrawn in place and errors in red', async () => {
    const id = await sandbox.queueTinyRun({ epochs: 2, trainLimit: 3000 });
    // A run on a dataset this host does not have fails: its error must stand out.
    const missing = await sandbox.queue(['--preset', 'tiny-cnn', '--dataset', 'mnist']);
    const { code, output } = await inTerminal(
      sandbox,
      ['trainer', '--once', '--concurrency', '1'],
      {
        CONVLAB_DATA_DIR: path.join(sandbox.dir, 'no-datasets'),
      },
    );
    expect(code, output).toBe(0);
    const plain = output.replaceAll(new RegExp(`${ESC}\\[[0-9;]*[A-Za-z]`, 'g'), '');
    expect(plain).toContain(`run ${id} claimed (attempt 1)`);
    expect(plain).toMatch(
      new RegExp(`run ${id} epoch 1 \\(train\\): loss \\d\\.\\d{4} acc \\d+\\.\\d%`),
    );
    expect(plain).toMatch(new RegExp(`run ${id} completed: test acc \\d+\\.\\d%`));
    // The live line: epoch, batch, ETA; then erased (cursor up, clear) before the next record.
    expect(plain).toMatch(
      new RegExp(`run ${id} epoch 1/2 · batch \\d+/\\d+ · loss .* ETA (\\d+[hm])?\\d+[ms]`),
    );
    expect(output).toContain(`${ESC}[1F${ESC}[J`);
    const errorLine = output
      .split('\n')
      .find((line) => line.includes(missing) && line.includes('mnist'));
    expect(errorLine, plain).toBeDefined();
    // The whole line is red: the colour comes first and nothing resets it before its end.
    expect(errorLine).toMatch(
      new RegExp(
        `${ESC}\\[31m\\[\\d\\d:\\d\\d:\\d\\d\\] ERROR: [^${ESC}]*mnist[^${ESC}]*${ESC}\\[0m`,
      ),
    );
    // No raw JSON records reach a person's terminal.
    expect(plain).not.toMatch(/\{"level":\d+/);
  });

  it('keeps JSON lines with --json-logs, even on a terminal', async () => {
    const { code, output } = await inTerminal(sandbox, ['trainer', '--once', '--json-logs']);
    expect(code, output).toBe(0);
    const records = output
      .split(/\r?\n/)
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { event?: string });
    expect(records.map((r) => r.event)).toEqual(
      expect.arrayContaining(['worker.started', 'worker.stopped']),
    );
  });
});

describe('TerminalLog', () => {
  function capture() {
    const writes: string[] = [];
    return { writes, out: { write: (text: string) => writes.push(text), columns: 120 } };
  }
  const record = (fields: Record<string, unknown>) =>
    `${JSON.stringify({ level: 30, time: Date.UTC(2026, 0, 1), pid: 1, ...fields })}\n`;

  it('summarises events, keeps a run per progress line and erases it before each record', () => {
    const { writes, out } = capture();
    const log = new TerminalLog(out, false);
    log.write(record({ event: 'run.started', runId: 'r1', attempt: 2, msg: 'training run' }));
    expect(writes.at(-1)).toMatch(/INFO.*run r1 claimed \(attempt 2\)\n$/);
    const progress = {
      stage: 'train' as const,
      epoch: 1,
      totalEpochs: 3,
      batch: 10,
      totalBatches: 40,
      etaSeconds: 95,
      etaLowerBound: false,
      loss: 1.25,
      acc: 0.5,
    };
    log.updateProgress('r1', { type: 'progress', progress, batchSize: 64 });
    expect(writes.at(-1)).toBe(
      'run r1 epoch 1/3 · batch 10/40 · loss 1.2500 acc 50.0% · ETA 1m35s\n',
    );
    log.updateProgress('r2', {
      type: 'progress',
      progress: {
        stage: 'cache',
        cache: 'features',
        set: 'train',
        epoch: 1,
        totalEpochs: 13,
        imagesDone: 1200,
        imagesTotal: 45000,
        etaSeconds: 300,
        etaLowerBound: false,
      },
      batchSize: 128,
    });
    // Two progress lines now: both redrawn after erasing the one drawn before.
    expect(writes.at(-1)).toBe(
      `${ESC}[1F${ESC}[Jrun r1 epoch 1/3 · batch 10/40 · loss 1.2500 acc 50.0% · ETA 1m35s\n` +
        'run r2 caching features (train) 1,200/45,000 images · ETA 5m00s · then epoch 1/13\n',
    );
    // A record erases both, prints, and draws them again; a split record waits for its end.
    const line = record({ level: 50, event: 'run.failed', runId: 'r2', msg: 'dataset missing' });
    log.write(line.slice(0, 10));
    const before = writes.length;
    log.write(line.slice(10));
    expect(writes.length).toBe(before + 1);
    expect(writes.at(-1)).toMatch(
      new RegExp(`^${ESC}\\[2F${ESC}\\[J.*ERROR.*run r2: dataset missing\\n.*\\n.*\\n$`),
    );
    log.write(record({ event: 'run.exited', runId: 'r2', status: 'failed', msg: 'x' }));
    expect(writes.at(-1)).toMatch(/run r2 process exited: failed\nrun r1 epoch/);
    expect(writes.at(-1)).not.toContain('run r2 caching');
  });

  it('never draws more progress lines than the terminal has rows', () => {
    const writes: string[] = [];
    const log = new TerminalLog(
      { write: (text: string) => writes.push(text), columns: 100, rows: 4 },
      false,
    );
    for (const id of ['a', 'b', 'c']) {
      log.updateProgress(id, {
        type: 'progress',
        progress: {
          stage: 'train',
          epoch: 1,
          totalEpochs: 1,
          batch: 1,
          totalBatches: 2,
          etaSeconds: 1,
          etaLowerBound: false,
          loss: 1,
          acc: 0,
        },
        batchSize: 8,
      });
    }
    const last = writes.at(-1) ?? '';
    expect(
      last.split('\n').filter((line) => line.includes('run ') || line.includes('more runs')),
    ).toEqual([expect.stringContaining('run a epoch 1/1'), '… and 2 more runs']);
    expect(last.startsWith(`${ESC}[2F${ESC}[J`)).toBe(true); // erased the 2 lines drawn before
  });
});
