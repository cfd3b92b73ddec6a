// Public API of training (re-exported from @convlab/core).
export * from './train-run.ts';
export * from './checkpoint.ts';
