// @convlab/core/sweep: search spaces, trial planning and ASHA's decisions. zod-only and pure, so the
// database, the CLI and the dashboard's components share it.
export * from './asha.ts';
export * from './search-space.ts';
export * from './sweep-plan.ts';
