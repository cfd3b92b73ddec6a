#!/usr/bin/env node
// `npm test`: every test in the repo, one suite at a time (2 cores; several suites start real trainer
// processes). Checks the migrations against schema.prisma first, runs each workspace's vitest suite,
// then the browser test, and ends with one summary line: "Tests: N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = {
  ...process.env,
  CHECKPOINT_DISABLE: '1',
  NEXT_TELEMETRY_DISABLED: '1',
  TURBO_TELEMETRY_DISABLED: '1',
};
const only = process.argv.slice(2);
const suites = [
  { name: 'db', dir: 'packages/db', script: 'test' },
  { name: 'core', dir: 'packages/core', script: 'test' },
  { name: 'trainer', dir: 'apps/trainer', script: 'test' },
  { name: 'web', dir: 'apps/web', script: 'test' },
  { name: 'e2e', dir: 'apps/web', script: 'test:e2e' },
  { name: 'containers', dir: 'apps/trainer', script: 'test:containers' },
].filter((suite) => only.length === 0 || only.includes(suite.name));

const reports = mkdtempSync(path.join(tmpdir(), 'convlab-test-'));
let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];

const check = spawnSync('npm', ['run', 'db:check'], { cwd: root, env, stdio: 'inherit' });
if (check.status === 0) passed += 1;
else {
  failed += 1;
  failures.push('db:check');
}

for (const suite of suites) {
  const manifest = JSON.parse(readFileSync(path.join(root, suite.dir, 'package.json'), 'utf8'));
  if (!manifest.scripts?.[suite.script]) continue;
  const outputFile = path.join(reports, `${suite.name}.json`);
  console.log(`\n━━ ${suite.name} (${suite.dir}) ━━`);
  const result = spawnSync(
    'npm',
    [
      'run',
      suite.script,
      '--',
      '--reporter=default',
      '--reporter=json',
      `--outputFile=${outputFile}`,
    ],
    { cwd: path.join(root, suite.dir), env, stdio: 'inherit' },
  );
  if (existsSync(outputFile)) {
    const summary = JSON.parse(readFileSync(outputFile, 'utf8'));
    passed += summary.numPassedTests;
    failed += summary.numFailedTests;
    skipped += summary.numPendingTests + summary.numTodoTests;
  }
  if (result.status !== 0) {
    failures.push(suite.name);
    if (!existsSync(outputFile)) failed += 1;
  }
}
rmSync(reports, { recursive: true, force: true });

if (failures.length > 0) console.error(`\nFailed suites: ${failures.join(', ')}`);
console.log(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failures.length > 0 ? 1 : 0);
