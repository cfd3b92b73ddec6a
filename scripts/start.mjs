#!/usr/bin/env node
// `npm start`: the main job. Migrates the embedded SQLite database, builds the dashboard when its
// sources changed, then runs the dashboard (http://127.0.0.1:3000) and a trainer daemon side by side.
// Ctrl-C stops both; the trainer hands unfinished runs back to the queue first.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = {
  ...process.env,
  CHECKPOINT_DISABLE: '1',
  NEXT_TELEMETRY_DISABLED: '1',
  TURBO_TELEMETRY_DISABLED: '1',
  NODE_ENV: 'production',
};
const host = env.HOST ?? '127.0.0.1';
const port = env.PORT ?? '3000';
const convlab = path.join(root, 'apps/trainer/bin/convlab.mjs');
const webDir = path.join(root, 'apps/web');
const nextBin = path.join(root, 'node_modules/next/dist/bin/next');

function newestMtime(dir) {
  if (!existsSync(dir)) return 0;
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === '.next' || entry.name === 'generated')
      continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function run(command, args, options) {
  const result = spawnSync(command, args, { stdio: 'inherit', env, ...options });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(process.execPath, [convlab, 'migrate'], { cwd: root });

const buildId = path.join(webDir, '.next/BUILD_ID');
const sources = Math.max(
  newestMtime(path.join(webDir, 'src')),
  newestMtime(path.join(root, 'packages/core/src')),
  newestMtime(path.join(root, 'packages/db/src')),
);
if (!existsSync(buildId) || statSync(buildId).mtimeMs < sources) buildDashboard();

/**
 * `next build`, its output kept in a log file rather than on the terminal: Turbopack's tracing
 * warnings about the trainer's file access are harmless here and would bury what a person needs.
 * A failed build prints the log's end.
 */
function buildDashboard() {
  console.log('Building the dashboard (first start or sources changed; a minute or two)…');
  const started = Date.now();
  const result = spawnSync(process.execPath, [nextBin, 'build'], {
    cwd: webDir,
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const log = path.join(webDir, '.next/convlab-build.log');
  mkdirSync(path.dirname(log), { recursive: true });
  writeFileSync(log, `${result.stdout ?? ''}${result.stderr ?? ''}`);
  if (result.status !== 0) {
    const lines = `${result.stdout ?? ''}${result.stderr ?? ''}`.trimEnd().split('\n');
    console.error(lines.slice(-40).join('\n'));
    // No exit status: it could not start, was killed, or wrote more than the buffer holds.
    const why = result.error?.message ?? (result.signal ? `killed by ${result.signal}` : null);
    console.error(
      `The dashboard build failed${why ? ` (${why})` : ''}; whole log: ${path.relative(root, log)}.`,
    );
    process.exit(result.status ?? 1);
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(`Built in ${seconds} s (log: ${path.relative(root, log)}).`);
}

const children = [
  spawn(process.execPath, [nextBin, 'start', '-H', host, '-p', port], {
    cwd: webDir,
    env,
    stdio: 'inherit',
  }),
  spawn(process.execPath, [convlab, 'trainer', ...process.argv.slice(2)], {
    cwd: root,
    env,
    stdio: 'inherit',
  }),
];
console.log(`convlab dashboard on http://${host}:${port} — trainer running. Ctrl-C stops both.`);

let stopping = false;
function stopAll(signal) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill(signal);
}
process.on('SIGINT', () => stopAll('SIGINT'));
process.on('SIGTERM', () => stopAll('SIGTERM'));
for (const child of children) {
  child.on('exit', (code) => {
    if (!stopping) {
      console.error(
        `${child === children[0] ? 'dashboard' : 'trainer'} exited (${code}); stopping`,
      );
      stopAll('SIGTERM');
    }
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null))
      process.exit(code ?? 0);
  });
}
