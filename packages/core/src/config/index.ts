// @convlab/core/schema: every shared contract, zod-only so client components may import it.
export * from './schema.ts';
export * from './report-file.ts';
export * from './run-report.ts';
export * from './folder-scan.ts';
