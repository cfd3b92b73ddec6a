#!/usr/bin/env node
// The `convlab` command. The packages ship TypeScript source, so register tsx before loading the CLI.
process.env.CHECKPOINT_DISABLE ??= '1';
process.env.NEXT_TELEMETRY_DISABLED ??= '1';
process.env.TURBO_TELEMETRY_DISABLED ??= '1';
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
