/**
 * A sweep's search space: for each run-config field it varies, a list of values (`choice`) or a range
 * (`uniform`, `log-uniform`). The same text syntax serves the CLI (`--param lr=log:1e-4:1e-2`) and the
 * dashboard's form (one `name=spec` per line), and every value is checked against the run-config schema.
 */
import { z } from 'zod';
import { runConfigFieldShape, type RunConfigInput } from '../contracts/run-config-schema.ts';

export type ParamValue = string | number | boolean | null;

export const paramSpecSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('choice'),
    values: z
      .array(z.union([z.string(), z.number(), z.boolean(), z.null()]))
      .min(1)
      .max(100),
  }),
  z.object({ kind: z.literal('uniform'), min: z.number(), max: z.number() }),
  z.object({ kind: z.literal('log-uniform'), min: z.number().positive(), max: z.number() }),
]);
export type ParamSpec = z.infer<typeof paramSpecSchema>;

/** Field → spec, in the order the user gave them (grid points enumerate in this order). */
export const searchSpaceSchema = z.record(z.string(), paramSpecSchema);
export type SearchSpace = z.infer<typeof searchSpaceSchema>;

/** A sweep problem with one input, named for the param (or option) it is about. */
export class InvalidSweepError extends Error {
  constructor(
    message: string,
    /** The run-config field (or sweep option) the problem is about. */
    readonly param: string,
  ) {
    super(message);
    this.name = 'InvalidSweepError';
  }
}

/** Short names users type for the fields swept most. */
const PARAM_ALIASES: Record<string, keyof RunConfigInput> = {
  lr: 'learningRate',
  bs: 'batchSize',
  wd: 'weightDecay',
};

/** Fields a sweep never varies: they define what the trials are compared on. */
const FIXED_FIELDS = new Set(['preset', 'presetVersion', 'dataset']);

type FieldKind = 'integer' | 'number' | 'boolean' | 'enum' | 'string';

/** The run-config field `name` refers to (camelCase, kebab-case as in CLI flags, or an alias). */
export function sweepFieldName(name: string): keyof RunConfigInput {
  const trimmed = name.trim();
  const field =
    PARAM_ALIASES[trimmed] ?? trimmed.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  if (FIXED_FIELDS.has(field)) {
    throw new InvalidSweepError(
      `invalid --param ${trimmed}: ${field} cannot be swept (every trial shares it)`,
      field,
    );
  }
  if (!(field in runConfigFieldShape)) {
    throw new InvalidSweepError(
      `invalid --param ${trimmed}: not a run config field (e.g. lr, batchSize, augment, dropout)`,
      trimmed,
    );
  }
  return field as keyof RunConfigInput;
}

function fieldInfo(field: string): { kind: FieldKind; nullable: boolean; options: string[] } {
  let schema = runConfigFieldShape[field as keyof typeof runConfigFieldShape] as z.ZodType;
  let nullable = false;
  if (schema instanceof z.ZodNullable) {
    nullable = true;
    schema = schema.unwrap() as z.ZodType;
  }
  if (schema instanceof z.ZodNumber)
    return { kind: schema.isInt ? 'integer' : 'number', nullable, options: [] };
  if (schema instanceof z.ZodBoolean) return { kind: 'boolean', nullable, options: [] };
  if (schema instanceof z.ZodEnum)
    return { kind: 'enum', nullable, options: schema.options.map(String) };
  return { kind: 'string', nullable, options: [] };
}

/** Whether sampled numbers for this field are rounded to integers (batchSize, epochs, …). */
export function isIntegerField(field: string): boolean {
  return fieldInfo(field).kind === 'integer';
}

/** Decimal numbers only: Number() would also read "0x10" as 16 and "" as 0. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseDecimal(text: string, where: string, param: string): number {
  const value = Number(text);
  if (!DECIMAL.test(text.trim()) || !Number.isFinite(value))
    throw new InvalidSweepError(`${where}: expected a decimal number, got "${text}"`, param);
  return value;
}

/**
 * Parses one `name=spec`: `lr=log:1e-4:1e-2`, `dropout=uniform:0:0.5`, `batchSize=64,128`,
 * `augment=true,false`, `optimizer=adam,sgd`. Values are typed by the field they set.
 */
export function parseParam(text: string): { field: keyof RunConfigInput; spec: ParamSpec } {
  const eq = text.indexOf('=');
  if (eq <= 0)
    throw new InvalidSweepError(
      `invalid --param "${text}": write name=values (lr=1e-3,3e-3) or name=log:min:max`,
      text,
    );
  const name = text.slice(0, eq).trim();
  const field = sweepFieldName(name);
  const body = text.slice(eq + 1).trim();
  const where = `invalid --param ${name}`;
  const info = fieldInfo(field);
  const range = /^(log|uniform):([^:]*):([^:]*)$/.exec(body);
  if (range) {
    if (info.kind !== 'integer' && info.kind !== 'number')
      throw new InvalidSweepError(`${where}: a range needs a numeric field`, field);
    const min = parseDecimal(range[2] ?? '', where, field);
    const max = parseDecimal(range[3] ?? '', where, field);
    if (!(min < max)) throw new InvalidSweepError(`${where}: min must be below max`, field);
    if (range[1] === 'log') {
      if (min <= 0) throw new InvalidSweepError(`${where}: a log range must be above 0`, field);
      return { field, spec: { kind: 'log-uniform', min, max } };
    }
    return { field, spec: { kind: 'uniform', min, max } };
  }
  const tokens = body.split(',').map((t) => t.trim());
  if (tokens.length === 0 || tokens.some((t) => t === ''))
    throw new InvalidSweepError(`${where}: empty value in "${body}"`, field);
  const values = tokens.map((token): ParamValue => {
    if (info.nullable && token === 'null') return null;
    switch (info.kind) {
      case 'integer':
      case 'number':
        return parseDecimal(token, where, field);
      case 'boolean':
        if (token === 'true' || token === 'false') return token === 'true';
        throw new InvalidSweepError(`${where}: expected true or false, got "${token}"`, field);
      case 'enum':
        if (info.options.includes(token)) return token;
        throw new InvalidSweepError(
          `${where}: expected one of ${info.options.join(', ')}, got "${token}"`,
          field,
        );
      case 'string':
        return token;
    }
  });
  if (new Set(values.map((v) => JSON.stringify(v))).size !== values.length)
    throw new InvalidSweepError(`${where}: a value is listed twice`, field);
  return { field, spec: { kind: 'choice', values } };
}

/** Parses `--param` texts into a space; a field given twice is an error. */
export function parseSearchSpace(params: readonly string[]): SearchSpace {
  const space: SearchSpace = {};
  for (const text of params) {
    const { field, spec } = parseParam(text);
    if (field in space) throw new InvalidSweepError(`invalid --param ${field}: given twice`, field);
    space[field] = spec;
  }
  return space;
}

/** The space as the text lines parseSearchSpace reads (the form's starting point for "edit"). */
/** A param value as tables and tooltips show it: 0.000123 → "1.23e-4", 0.003162 → "0.00316". */
export function formatParamValue(value: ParamValue | undefined): string {
  if (value === undefined) return '–';
  if (typeof value === 'number') return formatParamNumber(value);
  return String(value);
}

/** A number to 3 significant digits, exponential below 1e-3 and from 1e5: 128 → "128". */
export function formatParamNumber(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs < 1e-3 || abs >= 1e5) return value.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(3)));
}

export function formatSearchSpace(space: SearchSpace): string[] {
  return Object.entries(space).map(([field, spec]) => {
    switch (spec.kind) {
      case 'choice':
        return `${field}=${spec.values.map(String).join(',')}`;
      case 'uniform':
        return `${field}=uniform:${spec.min}:${spec.max}`;
      case 'log-uniform':
        return `${field}=log:${spec.min}:${spec.max}`;
    }
  });
}
