// Generates the Prisma client into packages/db/src/generated/prisma (gitignored). Runs as the root
// `postinstall`, so it must work offline on a clean clone: Prisma 7's client needs no engine binary
// (the query compiler is wasm), but the CLI still checks that a schema-engine binary exists before it
// generates. When none is configured we point it at an existing file (this Node binary); nothing runs it.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(packageDir, 'package.json'));
const prismaCli = require.resolve('prisma/build/index.js');

const env = {
  ...process.env,
  CHECKPOINT_DISABLE: '1',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || process.execPath,
};

const result = spawnSync(
  process.execPath,
  [prismaCli, 'generate', '--schema', path.join('prisma', 'schema.prisma')],
  { cwd: packageDir, env, stdio: 'inherit' },
);
if (result.error) throw result.error;
process.exit(result.status ?? 1);
