// @convlab/core/contracts: every shared contract, zod-only so client components may import it.
export * from './run-config.ts';
export * from './report-file.ts';
export * from './run-report.ts';
export * from './folder-scan-result.ts';
export * from './run-timing.ts';
export * from './run-verdict.ts';
// How many epochs a config trains, per phase: pure config logic the dashboard shows too.
export { planPhases, plannedRunEpochs, totalEpochs, type PhasePlan } from '../training/phases.ts';
export * from './model-summary.ts';
export * from './grad-cam-file.ts';
