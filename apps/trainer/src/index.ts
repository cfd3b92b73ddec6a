// @convlab/trainer's programmatic API (the CLI is bin/convlab.mjs).
export { main } from './cli.ts';
export { TrainerDaemon, type DaemonOptions } from './daemon.ts';
