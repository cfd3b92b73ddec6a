/**
 * Who may read and change what. On a loopback address the dashboard is only reachable from this
 * machine, so everything is allowed (but requests must name a loopback Host, which stops DNS-rebinding
 * pages from talking to it). On any other address, mutations need CONVLAB_TOKEN, and reads do too
 * unless CONVLAB_PUBLIC_READS=1. The token comes in a header or in the cookie the login form sets.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isLoopbackHost, type WebEnv } from '../env.ts';

export const TOKEN_COOKIE = 'convlab_token';
const TOKEN_HEADER = 'x-convlab-token';

export type AccessLevel = 'read' | 'write';

export interface AccessPolicy {
  /** The server is bound to a loopback address. */
  loopback: boolean;
  token: string | undefined;
  publicReads: boolean;
}

export type AccessDecision =
  { allowed: true } | { allowed: false; status: 401 | 403; message: string };

export function accessPolicyFromEnv(
  env: Pick<WebEnv, 'HOST' | 'CONVLAB_TOKEN' | 'CONVLAB_PUBLIC_READS'>,
): AccessPolicy {
  return {
    loopback: isLoopbackHost(env.HOST),
    token: env.CONVLAB_TOKEN,
    publicReads: env.CONVLAB_PUBLIC_READS,
  };
}

/** The token a request presents: `x-convlab-token`, `Authorization: Bearer …`, or the login cookie. */
export function presentedToken(headers: Headers): string | undefined {
  const header = headers.get(TOKEN_HEADER)?.trim();
  if (header) return header;
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.get('authorization') ?? '')?.[1]?.trim();
  if (bearer) return bearer;
  return readCookie(headers.get('cookie'), TOKEN_COOKIE);
}

function readCookie(cookieHeader: string | null, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(separator + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Compares in constant time (hashing first makes the lengths equal). */
export function tokenMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}

/** The hostname of a Host header (`127.0.0.1:3000` → `127.0.0.1`, `[::1]:3000` → `::1`). */
function hostHeaderName(hostHeader: string): string {
  const ipv6 = /^\[([^\]]+)\]/.exec(hostHeader);
  if (ipv6?.[1]) return ipv6[1];
  return hostHeader.split(':')[0] ?? '';
}

export function decideAccess(
  policy: AccessPolicy,
  headers: Headers,
  level: AccessLevel,
): AccessDecision {
  if (policy.loopback) {
    const host = headers.get('host');
    if (host !== null && !isLoopbackHost(hostHeaderName(host))) {
      return {
        allowed: false,
        status: 403,
        message: `this dashboard only answers requests addressed to a loopback host, not "${host}"`,
      };
    }
    return { allowed: true };
  }
  if (level === 'read' && policy.publicReads) return { allowed: true };
  // A non-loopback policy always has a token (env validation requires one); refuse if it somehow does not.
  if (policy.token === undefined || !tokenMatches(policy.token, presentedToken(headers))) {
    return {
      allowed: false,
      status: 401,
      message:
        level === 'write'
          ? 'changing runs needs the access token: sign in at /login'
          : 'viewing this dashboard needs the access token: sign in at /login',
    };
  }
  return { allowed: true };
}

/** What the UI needs to know to offer a sign-in link (never the token itself). */
export function describeAccess(policy: AccessPolicy, headers: Headers) {
  return {
    tokenRequired: !policy.loopback,
    canRead: decideAccess(policy, headers, 'read').allowed,
    canWrite: decideAccess(policy, headers, 'write').allowed,
  };
}

const PLACEHOLDER_ORIGIN = 'http://convlab.invalid';

/**
 * Only a path on this site: what a browser would resolve `value` to must stay on our origin. URL
 * parsers drop tabs and newlines and read `\` as `/`, so `/\t/evil.example` and `/\\evil.example`
 * would leave it: anything with control characters or backslashes, or resolving elsewhere, becomes `/`.
 */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const UNSAFE_IN_PATH = /[\u0000-\u001f\u007f\\]/;

export function safeNextPath(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || UNSAFE_IN_PATH.test(value)) return '/';
  let url: URL;
  try {
    url = new URL(value, PLACEHOLDER_ORIGIN);
  } catch {
    return '/';
  }
  if (url.origin !== PLACEHOLDER_ORIGIN) return '/';
  // The normalised path is what is returned, and so what is checked: `/.//evil.example` normalises
  // to `//evil.example`, which a browser reads as another host.
  const normalised = `${url.pathname}${url.search}${url.hash}`;
  if (normalised.startsWith('//')) return '/';
  return normalised;
}

/**
 * Whether a request comes from one of our own pages (or from a non-browser client): a browser's Origin
 * must name our host, and Sec-Fetch-Site, where sent, must be same-origin or none. Form posts (login,
 * logout) check it, so another site cannot sign a visitor in or out.
 */
export function isSameOriginRequest(headers: Headers): boolean {
  const site = headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin' && site !== 'none') return false;
  const origin = headers.get('origin');
  if (origin === null) return true;
  try {
    return new URL(origin).host === headers.get('host');
  } catch {
    return false;
  }
}
