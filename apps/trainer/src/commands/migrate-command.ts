import { parseArgs } from 'node:util';
import { applyMigrations, redactDatabaseUrl, resolveDatabaseUrl } from '@convlab/db';

export async function migrateCommand(args: string[]): Promise<number> {
  parseArgs({ args, strict: true, options: {} });
  const url = resolveDatabaseUrl();
  const applied = await applyMigrations(url);
  const shown = redactDatabaseUrl(url);
  console.log(
    applied.length === 0
      ? `${shown}: up to date`
      : `${shown}: applied ${applied.length} migration(s): ${applied.join(', ')}`,
  );
  return 0;
}
