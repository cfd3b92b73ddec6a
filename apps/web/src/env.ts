/**
 * The dashboard's settings, read from the environment and validated once. A dashboard reachable from
 * other machines (HOST not loopback) must have a token: without one anyone on the network could queue,
 * cancel and delete runs. The server refuses to start on an invalid environment, or when HOST says
 * loopback but the server listens on every interface (instrumentation.ts).
 */
import { dataPolicyEnvSchema, dataPolicyFromEnv, type DataPolicy } from '@convlab/core/policy';
import { formatZodIssue } from '@convlab/core/contracts';
import { z } from 'zod';

/** Empty strings in the environment mean "not set". */
const optionalString = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
  z.string().optional(),
);

const envSchema = dataPolicyEnvSchema
  .extend({
    HOST: optionalString.transform((host) => host ?? '127.0.0.1'),
    PORT: optionalString
      .transform((port) => Number(port ?? 3000))
      .pipe(z.number().int().min(1).max(65_535)),
    CONVLAB_TOKEN: optionalString.pipe(
      z.string().min(12, 'must be at least 12 characters').optional(),
    ),
    CONVLAB_PUBLIC_READS: optionalString
      .pipe(z.enum(['0', '1', 'true', 'false']).optional())
      .transform((value) => value === '1' || value === 'true'),
  })
  .superRefine((env, ctx) => {
    if (!isLoopbackHost(env.HOST) && env.CONVLAB_TOKEN === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['CONVLAB_TOKEN'],
        message: `required when HOST (${env.HOST}) is not a loopback address`,
      });
    }
  });

export type WebEnv = z.infer<typeof envSchema> & {
  /** Where folder datasets and local weights may live, allowed weights hosts, image size limits. */
  policy: DataPolicy;
};

/** Validates `env`; throws one line naming the first bad variable. */
export function parseWebEnv(env: Record<string, string | undefined>): WebEnv {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    throw new Error(`invalid environment: ${formatZodIssue(result.error, 'environment')}`);
  }
  return { ...result.data, policy: dataPolicyFromEnv(result.data) };
}

/**
 * Every address a `next start` / `next dev` command line names: each -H/--hostname value (Next binds
 * to the last, and a wrapper may add its own before or after a user's), or every interface
 * ('0.0.0.0') without one. Null when the process is not the Next.js CLI.
 */
export function listeningHosts(argv: string[]): string[] | null {
  const command = argv.findIndex((arg) => arg === 'start' || arg === 'dev');
  if (command < 0 || !argv.slice(0, command).some((arg) => /(^|[\\/])next(\.js)?$/.test(arg)))
    return null;
  const hosts: string[] = [];
  for (let i = command + 1; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '-H' || arg === '--hostname') hosts.push(argv[i + 1] ?? '0.0.0.0');
    const inline = /^(?:--hostname=|-H=?)(.+)$/.exec(arg)?.[1];
    if (inline) hosts.push(inline);
  }
  return hosts.length > 0 ? hosts : ['0.0.0.0'];
}

/** The address the server binds to: the last one its command line names (see listeningHosts). */
export function listeningHost(argv: string[]): string | null {
  return listeningHosts(argv)?.at(-1) ?? null;
}

/**
 * Throws when HOST and an address the server may listen on disagree about loopback: every address
 * named is checked, so `-H 127.0.0.1 -H 0.0.0.0` cannot pass as loopback (and so skip the token).
 */
export function checkListeningHost(
  env: Pick<WebEnv, 'HOST'>,
  bound: string | readonly string[] | null,
): void {
  if (bound === null) return;
  if (typeof bound !== 'string') {
    for (const host of bound) checkListeningHost(env, host);
    return;
  }
  if (isLoopbackHost(bound) === isLoopbackHost(env.HOST)) return;
  throw new Error(
    isLoopbackHost(env.HOST)
      ? `HOST is ${env.HOST} but the server listens on ${bound} (every interface without -H): ` +
          'start it with `npm start`, or pass -H and set HOST (and CONVLAB_TOKEN) to match'
      : `HOST is ${env.HOST} but the server listens only on ${bound}: pass -H ${env.HOST}`,
  );
}

let cached: WebEnv | undefined;

/** The process's validated settings (read lazily so `next build` never needs them). */
export function webEnv(): WebEnv {
  return (cached ??= parseWebEnv(process.env));
}

/** 127.0.0.0/8, ::1 and localhost: only this machine can reach a server bound there. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    bare === 'localhost' ||
    bare === '::1' ||
    bare === '0:0:0:0:0:0:0:1' ||
    /^127(\.\d{1,3}){3}$/.test(bare) ||
    bare === '::ffff:127.0.0.1'
  );
}
