// `@convlab/core/policy`: what user-supplied locations convlab accepts, without loading TensorFlow.js
// (the CLI's queue verb and the dashboard's queue procedures check a run before queueing it).
export {
  type DataPolicy,
  dataPolicyEnvSchema,
  dataPolicyFromEnv,
  DEFAULT_WEIGHTS_HOSTS,
  defaultDataPolicy,
} from './data-policy.ts';
export { checkRunLocations, checkRunLocationsOfAll, RunLocationError } from './check-locations.ts';
