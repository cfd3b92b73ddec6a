// Generates the Prisma clients into packages/db/src/generated/ (gitignored), one per provider, from the
// one source model prisma/schema.prisma (see provider-schemas.mjs). Runs as the root `postinstall`, so
// it must work offline on a clean clone: Prisma 7's client needs no engine binary (the query compiler
// is wasm), but the CLI still checks that a schema-engine binary exists before it generates. When none
// is configured we point it at an existing file (this Node binary); nothing runs it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  PACKAGE_DIR,
  POSTGRES_SCHEMA_PATH,
  SOURCE_SCHEMA_PATH,
  postgresSchemaText,
} from './provider-schemas.mjs';

const require = createRequire(path.join(PACKAGE_DIR, 'package.json'));
const prismaCli = require.resolve('prisma/build/index.js');

mkdirSync(path.dirname(POSTGRES_SCHEMA_PATH), { recursive: true });
writeFileSync(POSTGRES_SCHEMA_PATH, postgresSchemaText());

const env = {
  ...process.env,
  CHECKPOINT_DISABLE: '1',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || process.execPath,
};

for (const schema of [SOURCE_SCHEMA_PATH, POSTGRES_SCHEMA_PATH]) {
  const result = spawnSync(process.execPath, [prismaCli, 'generate', '--schema', schema], {
    cwd: PACKAGE_DIR,
    env,
    stdio: 'inherit',
  });
  if (result.error) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? 1);
}
