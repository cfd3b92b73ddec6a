// @convlab/core/sweep: search spaces, trial planning and ASHA's decisions. zod-only and pure, so the
// database, the CLI and the dashboard's components share it.
export {
  ashaDecide,
  type AshaDecision,
  ashaRungEpochs,
  type AshaTrial,
  rungMetric,
} from './asha.ts';
export {
  formatParamNumber,
  formatParamValue,
  formatSearchSpace,
  InvalidSweepError,
  isIntegerField,
  type ParamSpec,
  paramSpecSchema,
  type ParamValue,
  parseParam,
  parseSearchSpace,
  type SearchSpace,
  searchSpaceSchema,
  sweepFieldName,
} from './search-space.ts';
export {
  gridPoints,
  MAX_SWEEP_TRIALS,
  type PlannedTrial,
  planSweep,
  randomPoints,
  SWEEP_METHODS,
  type SweepDefinition,
  type SweepDefinitionInput,
  sweepDefinitionSchema,
  type SweepMethod,
  type SweepPlan,
  trialParams,
} from './sweep-plan.ts';
