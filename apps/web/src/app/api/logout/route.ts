/** POST /api/logout → forgets the token cookie (only for requests from our own pages). */
import { isSameOriginRequest, TOKEN_COOKIE } from '~/server/access.ts';
import { textResponse } from '~/server/route-access.ts';

export const dynamic = 'force-dynamic';

export function POST(request: Request): Response {
  if (!isSameOriginRequest(request.headers))
    return textResponse(403, 'sign out from the dashboard itself');
  return new Response(null, {
    status: 303,
    headers: {
      location: '/login',
      'set-cookie': `${TOKEN_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`,
    },
  });
}
