// `@convlab/db/testing`: what other packages' tests and the bench use of db's test tooling (a throwaway
// PostgreSQL server, processes started together), so none imports db's files by path.
export {
  findPostgresBin,
  startThrowawayPostgres,
  type RunningPostgres,
} from '../../scripts/throwaway-postgres.mjs';
export { lastJsonLine, runTogether } from '../../test/helpers.ts';
