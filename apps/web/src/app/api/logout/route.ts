/** POST /api/logout → forgets the token cookie. */
import { TOKEN_COOKIE } from '~/server/access.ts';

export const dynamic = 'force-dynamic';

export function POST(): Response {
  return new Response(null, {
    status: 303,
    headers: {
      location: '/login',
      'set-cookie': `${TOKEN_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`,
    },
  });
}
