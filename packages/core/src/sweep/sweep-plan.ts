/**
 * A sweep's definition and its trials. `planSweep` turns a definition into the trials to queue (their
 * run-config inputs), checking every one against the run-config schema first, so a bad space is
 * rejected with one line naming the param before anything is queued.
 */
import { z } from 'zod';
import { firstIssuePath, formatZodIssue } from '../contracts/zod-issue.ts';
import {
  MAX_SEED,
  resolveRunConfig,
  runConfigInputSchema,
  type RunConfig,
  type RunConfigInput,
} from '../contracts/run-config-schema.ts';
import { mulberry32, shuffleInPlace } from '../data/random.ts';
import { ashaRungEpochs } from './asha.ts';
import {
  InvalidSweepError,
  isIntegerField,
  searchSpaceSchema,
  type ParamSpec,
  type ParamValue,
  type SearchSpace,
} from './search-space.ts';

export const SWEEP_METHODS = ['grid', 'random', 'asha'] as const;
export type SweepMethod = (typeof SWEEP_METHODS)[number];

/** The most trials one sweep may queue. */
export const MAX_SWEEP_TRIALS = 500;

/** What a user defines; stored on the Sweep row (JSON), so a sweep can be shown and cloned later. */
export const sweepDefinitionSchema = z
  .object({
    method: z.enum(SWEEP_METHODS),
    /** The preset, dataset and fixed overrides every trial shares. */
    base: runConfigInputSchema,
    space: searchSpaceSchema,
    /** random and asha: how many trials (grid: the grid's size). */
    trials: z.number().int().min(1).max(MAX_SWEEP_TRIALS).optional(),
    /** Every trial's epoch budget (asha: the top rung); default the preset's epochs. */
    maxEpochs: z.number().int().min(1).max(500).optional(),
    /** asha: the first rung's epochs (r) and the reduction factor (η). */
    minEpochs: z.number().int().min(1).max(500).default(1),
    eta: z.number().int().min(2).max(10).default(3),
    /** Seeds random sampling (random, asha). */
    seed: z.number().int().min(0).max(MAX_SEED).default(0),
    /** How many of its trials may train at once; none = as many as there are trainers. */
    maxConcurrent: z.number().int().min(1).max(1000).nullable().default(null),
  })
  .strict();
export type SweepDefinition = z.infer<typeof sweepDefinitionSchema>;
export type SweepDefinitionInput = z.input<typeof sweepDefinitionSchema>;

export interface PlannedTrial {
  /** The swept fields' values for this trial. */
  params: Record<string, ParamValue>;
  /** The trial's run-config input (base + params + epochs), resolved and checked. */
  config: RunConfig;
}

export interface SweepPlan {
  definition: SweepDefinition;
  trials: PlannedTrial[];
  /** asha: the rung epochs (the last is every trial's budget); otherwise null. */
  rungEpochs: number[] | null;
}

/** Checks a definition and lists its trials. Throws InvalidSweepError (one line) on any problem. */
export function planSweep(input: unknown): SweepPlan {
  const parsed = sweepDefinitionSchema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidSweepError(
      `invalid sweep: ${formatZodIssue(parsed.error, 'sweep')}`,
      firstIssuePath(parsed.error),
    );
  }
  const definition = parsed.data;
  const fields = Object.keys(definition.space);
  if (fields.length === 0)
    throw new InvalidSweepError('a sweep needs at least one --param', 'space');
  const base = checkedBase(definition);
  const maxEpochs = definition.maxEpochs ?? base.epochs;
  let rungEpochs: number[] | null = null;
  if (definition.method === 'asha') {
    for (const field of ['epochs', 'earlyStoppingPatience'] as const) {
      if (field in definition.space)
        throw new InvalidSweepError(
          `invalid --param ${field}: ASHA decides how long trials train (use --max-epochs)`,
          field,
        );
    }
    if (definition.minEpochs > maxEpochs)
      throw new InvalidSweepError(
        `invalid --min-epochs: ${definition.minEpochs} is above --max-epochs ${maxEpochs}`,
        'minEpochs',
      );
    rungEpochs = ashaRungEpochs(definition.minEpochs, maxEpochs, definition.eta);
  }
  // ASHA stops trials itself; a trial stopping early on its own would leave its rung unfinished.
  if ('epochs' in definition.space && definition.maxEpochs !== undefined)
    throw new InvalidSweepError(
      'invalid --param epochs: sweep epochs or set --max-epochs, not both',
      'epochs',
    );
  const fixed: Partial<RunConfigInput> = {
    ...('epochs' in definition.space ? {} : { epochs: maxEpochs }),
    ...(definition.method === 'asha' ? { earlyStoppingPatience: 0 } : {}),
  };
  for (const field of fields) checkParamEnds(definition, field, fixed);
  const points = trialPoints(definition);
  const trials = points.map((params) => ({
    params,
    config: resolveTrial(definition.base, { ...params, ...fixed }, Object.keys(params)),
  }));
  return { definition, trials, rungEpochs };
}

function checkedBase(definition: SweepDefinition): RunConfig {
  try {
    return resolveRunConfig(definition.base);
  } catch (error) {
    if (error instanceof z.ZodError)
      throw new InvalidSweepError(
        `invalid base config: ${formatZodIssue(error, 'config')}`,
        firstIssuePath(error),
      );
    throw error;
  }
}

/** Resolves base + overrides; a failure names the first swept param it is about. */
function resolveTrial(
  base: RunConfigInput,
  overrides: Record<string, unknown>,
  swept: string[],
): RunConfig {
  try {
    return resolveRunConfig({ ...base, ...overrides });
  } catch (error) {
    if (!(error instanceof z.ZodError)) throw error;
    const field = firstIssuePath(error);
    const param = swept.includes(field) ? field : (swept[0] ?? field);
    const values = swept.map((f) => `${f}=${String(overrides[f])}`).join(' ');
    throw new InvalidSweepError(
      `invalid --param ${param}: ${issueAbout(error, param)} (trial ${values})`,
      param,
    );
  }
}

/** Every listed value, and both ends of a range, must make a valid config with the base. */
function checkParamEnds(
  definition: SweepDefinition,
  field: string,
  fixed: Partial<RunConfigInput>,
): void {
  const spec = definition.space[field] as ParamSpec;
  const values = spec.kind === 'choice' ? spec.values : [spec.min, spec.max];
  if (spec.kind !== 'choice' && spec.min >= spec.max)
    throw new InvalidSweepError(`invalid --param ${field}: min must be below max`, field);
  if (definition.method === 'grid' && spec.kind !== 'choice')
    throw new InvalidSweepError(
      `invalid --param ${field}: grid needs a list of values (e.g. ${field}=1,2), not a range`,
      field,
    );
  for (const value of values) {
    try {
      resolveRunConfig({ ...definition.base, ...fixed, [field]: value });
    } catch (error) {
      if (!(error instanceof z.ZodError)) throw error;
      throw new InvalidSweepError(
        `invalid --param ${field}: ${issueAbout(error, field)} (value ${String(value)})`,
        field,
      );
    }
  }
}

/** The first issue, without its field's name when that is the param the message is already about. */
function issueAbout(error: z.ZodError, param: string): string {
  const issue = error.issues[0];
  return issue && issue.path.join('.') === param ? issue.message : formatZodIssue(error, 'config');
}

/** The param values of each trial, by method. */
function trialPoints(definition: SweepDefinition): Record<string, ParamValue>[] {
  const { space, method } = definition;
  if (method === 'grid') {
    const points = gridPoints(space);
    if (definition.trials !== undefined && definition.trials !== points.length)
      throw new InvalidSweepError(
        `invalid --trials: the grid has ${points.length} points (--trials is for random and asha)`,
        'trials',
      );
    if (points.length > MAX_SWEEP_TRIALS)
      throw new InvalidSweepError(
        `invalid --param: the grid has ${points.length} points, at most ${MAX_SWEEP_TRIALS}`,
        Object.keys(space)[0] ?? 'space',
      );
    return points;
  }
  return randomPoints(space, definition.trials ?? 10, definition.seed);
}

/** The cartesian product of the lists, the first param varying slowest. */
export function gridPoints(space: SearchSpace): Record<string, ParamValue>[] {
  let points: Record<string, ParamValue>[] = [{}];
  for (const [field, spec] of Object.entries(space)) {
    if (spec.kind !== 'choice') throw new Error(`grid needs a list of values for ${field}`);
    points = points.flatMap((point) => spec.values.map((value) => ({ ...point, [field]: value })));
    if (points.length > MAX_SWEEP_TRIALS * 10) break;
  }
  return points;
}

/**
 * `count` seeded samples. Over lists only, distinct grid points while there are enough of them (a
 * seeded shuffle of the grid); otherwise each param independently: a list uniformly, a range
 * uniformly or log-uniformly, to 3 significant digits (integers rounded).
 */
export function randomPoints(
  space: SearchSpace,
  count: number,
  seed: number,
): Record<string, ParamValue>[] {
  // The same seed gives the same trials on every machine.
  const random = mulberry32(seed);
  const specs = Object.entries(space);
  if (specs.every(([, spec]) => spec.kind === 'choice')) {
    const grid = gridPoints(space);
    if (count <= grid.length && grid.length <= MAX_SWEEP_TRIALS * 10) {
      return shuffleInPlace(grid, random).slice(0, count);
    }
  }
  return Array.from({ length: count }, () =>
    Object.fromEntries(specs.map(([field, spec]) => [field, sampleParam(field, spec, random())])),
  );
}

function sampleParam(field: string, spec: ParamSpec, u: number): ParamValue {
  if (spec.kind === 'choice') return spec.values[Math.floor(u * spec.values.length)] ?? null;
  const value =
    spec.kind === 'uniform'
      ? spec.min + u * (spec.max - spec.min)
      : Math.exp(Math.log(spec.min) + u * (Math.log(spec.max) - Math.log(spec.min)));
  if (isIntegerField(field))
    return Math.min(Math.ceil(spec.max), Math.max(Math.floor(spec.min), Math.round(value)));
  return Math.min(spec.max, Math.max(spec.min, Number(value.toPrecision(3))));
}

/** The values a trial's config has for the swept fields (what the sweep page plots). */
export function trialParams(space: SearchSpace, config: RunConfig): Record<string, ParamValue> {
  return Object.fromEntries(
    Object.keys(space).map((field) => [
      field,
      (config as Record<string, unknown>)[field] as ParamValue,
    ]),
  );
}
