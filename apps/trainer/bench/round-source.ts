/**
 * A RoundSource (paired.ts) backed by a long-lived process that speaks a line protocol: it prints
 * READY once warm-up can begin, and answers each `round` line on stdin with
 * `ROUND {"imagesPerSecond": x}`. The convlab side is `bench/run.ts --rounds <name>`; PyTorch's is
 * `pytorch_twins.py --rounds <preset> <phase> <threads>`.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { RoundSource } from './paired.ts';

export async function processRoundSource(
  label: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<RoundSource> {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  // Ended by an exit (with a code or a signal) or by a failure to start; either way no more lines.
  let ended: string | null = null;
  const waiting: ((line: string | null) => void)[] = [];
  const buffered: string[] = [];
  const end = (why: string) => {
    ended ??= why;
    for (const next of waiting.splice(0)) next(null);
  };
  // 'close', not 'exit': by then every line it printed has been read.
  child.once('close', (code, signal) => end(signal ? `killed by ${signal}` : `exited ${code}`));
  child.once('error', (error) => end(`failed: ${error.message}`));
  // A write to a side that has just died must not crash the bench: its next line never comes.
  child.stdin.on('error', () => undefined);
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    if (!line.startsWith('READY') && !line.startsWith('ROUND ')) return; // the process's own logs
    const next = waiting.shift();
    if (next) next(line);
    else buffered.push(line);
  });
  const stopped = () =>
    new Error(
      `${label}: the process ${ended ?? 'ended'}: ${stderr.trim().split('\n').at(-1) ?? ''}`,
    );
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const line = buffered.shift();
      if (line !== undefined) return resolve(line);
      if (ended !== null) return reject(stopped());
      waiting.push((value) => (value === null ? reject(stopped()) : resolve(value)));
    });

  try {
    await nextLine(); // READY
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    label,
    async round() {
      child.stdin.write('round\n');
      const line = await nextLine();
      const rate = (JSON.parse(line.slice('ROUND '.length)) as { imagesPerSecond: number })
        .imagesPerSecond;
      return rate;
    },
    close() {
      child.stdin.end();
      return new Promise<void>((resolve) => {
        if (ended !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
