import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { SESSION_COOKIE } from './auth-hook.ts';
import { Problem } from '../errors.ts';

/** Sets the HttpOnly session cookie of a session just started (sign-in, accepted invitation). */
export function setSessionCookie(deps: Deps, req: FastifyRequest, reply: FastifyReply, s: { token: string; expires: Date }): void {
  reply.setCookie(SESSION_COOKIE, s.token, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    expires: s.expires,
    secure: deps.config.secureCookies || req.protocol === 'https',
  });
}

/** The cookie of a sign-in waiting for its second factor (not a session: only POST /auth/login/mfa reads it). */
export const PENDING_COOKIE = 'casework_pending_sign_in';

/** Runs the work; a 429 problem that says when to retry gets its Retry-After header. */
export async function withRetryAfter<T>(reply: FastifyReply, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const retry = (err as { extra?: { retryAfter?: number } }).extra?.retryAfter;
    if (err instanceof Problem && err.status === 429 && retry) reply.header('retry-after', String(retry));
    throw err;
  }
}
