// `@convlab/core/policy`: what user-supplied locations convlab accepts, without loading TensorFlow.js
// (the CLI's queue verb and the dashboard's queue procedures check a run before queueing it).
export * from './data-policy.ts';
export * from './check-locations.ts';
