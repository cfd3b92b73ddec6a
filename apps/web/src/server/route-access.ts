/** The access check for plain route handlers (images, downloads): same rules as the tRPC procedures. */
import { webEnv } from '../env.ts';
import { accessPolicyFromEnv, decideAccess, type AccessLevel } from './access.ts';

/** A 401/403 response when the request may not do `level`, else null. */
export function refuseUnlessAllowed(request: Request, level: AccessLevel): Response | null {
  const decision = decideAccess(accessPolicyFromEnv(webEnv()), request.headers, level);
  if (decision.allowed) return null;
  return new Response(decision.message, {
    status: decision.status,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  });
}

/** Whether the request may change things (and so see server paths). */
export function mayWrite(request: Request): boolean {
  return decideAccess(accessPolicyFromEnv(webEnv()), request.headers, 'write').allowed;
}

export function textResponse(status: number, message: string): Response {
  return new Response(message, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  });
}
