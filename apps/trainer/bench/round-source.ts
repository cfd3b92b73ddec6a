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
  const lines = createInterface({ input: child.stdout });
  const waiting: ((line: string | null) => void)[] = [];
  const buffered: string[] = [];
  lines.on('line', (line) => {
    if (!line.startsWith('READY') && !line.startsWith('ROUND ')) return; // the process's own logs
    const next = waiting.shift();
    if (next) next(line);
    else buffered.push(line);
  });
  child.once('exit', () => {
    for (const next of waiting.splice(0)) next(null);
  });
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const line = buffered.shift();
      if (line !== undefined) return resolve(line);
      if (child.exitCode !== null) return reject(exited());
      waiting.push((value) => (value === null ? reject(exited()) : resolve(value)));
    });
  const exited = () =>
    new Error(
      `${label}: the process exited (${child.exitCode}): ${stderr.trim().split('\n').at(-1)}`,
    );

  await nextLine(); // READY
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
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
