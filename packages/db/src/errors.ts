/** A run id that does not exist. */
export class RunNotFoundError extends Error {
  override name = 'RunNotFoundError';
  constructor(readonly runId: string) {
    super(`no run with id ${runId}`);
  }
}

/** An action the run's current status does not allow (e.g. retrying a completed run). */
export class RunStateError extends Error {
  override name = 'RunStateError';
  constructor(
    readonly runId: string,
    readonly status: string,
    action: string,
  ) {
    super(`cannot ${action} run ${runId}: it is ${status}`);
  }
}

/** A sweep id that does not exist. */
export class SweepNotFoundError extends Error {
  override name = 'SweepNotFoundError';
  constructor(readonly sweepId: string) {
    super(`no sweep with id ${sweepId}`);
  }
}
