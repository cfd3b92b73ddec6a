import { parseArgs } from 'node:util';
import { applyMigrations, resolveDatabaseUrl } from '@convlab/db';

export async function migrateCommand(args: string[]): Promise<number> {
  parseArgs({ args, strict: true, options: {} });
  const url = resolveDatabaseUrl();
  const applied = await applyMigrations(url);
  console.log(
    applied.length === 0
      ? `${url}: up to date`
      : `${url}: applied ${applied.length} migration(s): ${applied.join(', ')}`,
  );
  return 0;
}
