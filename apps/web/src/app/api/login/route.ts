/**
 * POST /api/login (form: token, next) → checks the token and stores it in an HttpOnly, SameSite=Strict
 * cookie, then redirects back. Only needed when the dashboard listens on a non-loopback address.
 */
import { webEnv } from '~/env.ts';
import { isSameOriginRequest, safeNextPath, TOKEN_COOKIE, tokenMatches } from '~/server/access.ts';
import { limitBody, MAX_LOGIN_BODY_BYTES } from '~/server/request-body.ts';
import { textResponse } from '~/server/route-access.ts';

export const dynamic = 'force-dynamic';

const THIRTY_DAYS_S = 30 * 24 * 3600;

function redirect(location: string, cookie?: string): Response {
  const headers = new Headers({ location });
  if (cookie) headers.append('set-cookie', cookie);
  return new Response(null, { status: 303, headers });
}

export async function POST(request: Request): Promise<Response> {
  if (!isSameOriginRequest(request.headers))
    return textResponse(403, 'sign in from the dashboard itself');
  const limited = await limitBody(request, MAX_LOGIN_BODY_BYTES);
  if (limited instanceof Response) return limited;
  let form: FormData;
  try {
    form = await limited.formData();
  } catch {
    return textResponse(400, 'expected a form with a "token" field');
  }
  const next = safeNextPath(form.get('next'));
  const token = form.get('token');
  const expected = webEnv().CONVLAB_TOKEN;
  if (expected === undefined) return redirect(next);
  if (typeof token !== 'string' || !tokenMatches(expected, token.trim())) {
    return redirect(`/login?error=1&next=${encodeURIComponent(next)}`);
  }
  const secure =
    new URL(request.url).protocol === 'https:' ||
    request.headers.get('x-forwarded-proto') === 'https';
  const cookie = [
    `${TOKEN_COOKIE}=${encodeURIComponent(token.trim())}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${THIRTY_DAYS_S}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
  return redirect(next, cookie);
}
