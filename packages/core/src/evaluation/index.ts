// Public API of evaluation (re-exported from @convlab/core).
export * from './metrics.ts';
export * from './evaluate.ts';
export * from './predict.ts';
export * from './input-reference.ts';
