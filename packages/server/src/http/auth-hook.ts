import { performance } from 'node:perf_hooks';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import '@fastify/cookie';
import type { AppUser } from '../auth/actor.ts';
import { twoFactorRequired } from '@casework/domain';
import { findSessionUser, findTokenUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import { Problem, forbidden, unauthenticated } from '../errors.ts';
import { sha256 } from '../ids.ts';
import type { App } from './route-types.ts';
import { ACCESS_NEUTRAL } from '../db/access-watch.ts';
import { recordRefusedChange } from '../use-cases/audit/record-refusal.ts';

export const SESSION_COOKIE = 'casework_session';

declare module 'fastify' {
  interface FastifyRequest {
    actor: AppUser | null;
  }
}

/** The signed-in user of a request (throws 401 if none). */
export function actorOf(req: FastifyRequest): AppUser {
  if (!req.actor) throw unauthenticated();
  return req.actor;
}

// When each token's last use was last written: at most one write per token and minute,
// instead of a write (and a WAL flush) on every API call.
const touched = new Map<string, number>();
function touchToken(deps: Deps, tokenId: string): void {
  const now = deps.clock.now();
  const last = touched.get(tokenId);
  if (last !== undefined && Math.abs(now.getTime() - last) < 60_000) return;
  if (touched.size > 100_000) touched.clear();
  touched.set(tokenId, now.getTime());
  void sql`UPDATE api_tokens SET last_used_at = ${now} WHERE id = ${tokenId}::uuid ${sql.raw(ACCESS_NEUTRAL)}`
    .execute(deps.db.kysely)
    .catch(() => {});
}

async function identify(req: FastifyRequest, deps: Deps): Promise<AppUser | null> {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    if (!m) throw unauthenticated('Use "Authorization: Bearer <token>".');
    const hash = sha256(m[1]!);
    const user = await deps.identities.resolve(`t:${hash}`, deps.clock.now(), () => findTokenUser(deps.db.kysely, hash));
    if (!user) throw unauthenticated('The API token is not valid.');
    touchToken(deps, user.credentialId);
    return user;
  }
  const cookie = req.cookies[SESSION_COOKIE];
  if (!cookie) return null;
  const hash = sha256(cookie);
  const now = deps.clock.now();
  const user = await deps.identities.resolve(`s:${hash}`, now, () => findSessionUser(deps.db.kysely, hash, now));
  if (!user) throw unauthenticated('Your session has expired. Sign in again.');
  return user;
}

export type RouteGuard = { method: string; url: string; permission: string; channelToken: boolean };
const guards = new WeakMap<object, RouteGuard[]>();

/** Every route registered after installAuth with the permission it declares (a test asserts the whole table). */
export function routePermissions(app: App): RouteGuard[] {
  return [...(guards.get(app) ?? [])];
}

/**
 * Every route declares `config.permission`; it is enforced as soon as the request arrives
 * (after the rate limit, before the body is read or validated, so a stranger gets 401, never
 * a 400). Registering a route without a permission fails at startup.
 */
export function installAuth(app: App, deps: Deps): void {
  const table: RouteGuard[] = [];
  guards.set(app, table);
  app.decorateRequest('actor', null);
  const guard = async (req: FastifyRequest, _reply: FastifyReply) => {
    const t = req.timing;
    const t0 = performance.now();
    const db0 = t?.dbMs ?? 0;
    try {
      await authorize(req, deps);
    } finally {
      if (t) {
        t.authMs += performance.now() - t0;
        t.authDbMs += t.dbMs - db0;
      }
    }
  };
  app.addHook('onRoute', (route) => {
    const permission = route.config?.permission;
    if (!permission && !String(route.url).startsWith('/docs')) {
      throw new Error(`Route ${route.method} ${route.url} declares no permission`);
    }
    const channelToken = route.config?.channelToken === true;
    // That every signed-in route can answer 403 (a channel-scoped token) is declared by answers.ts.
    for (const method of [route.method].flat()) table.push({ method, url: route.url, permission: permission ?? 'public', channelToken });
    // Route-level, so it runs after the rate limiter's own route-level hook.
    route.onRequest = [...[route.onRequest ?? []].flat(), guard] as typeof route.onRequest;
  });
  app.addHook('preValidation', async (req) => refuseNonJsonBody(req));
}

async function authorize(req: FastifyRequest, deps: Deps): Promise<void> {
  const permission = req.routeOptions.config?.permission ?? 'public';
  const channelToken = req.routeOptions.config?.channelToken === true;
  if (req.routeOptions.config?.metricsToken) return;
  if (permission === 'public') {
    const actor = await identify(req, deps).catch(() => null);
    // A channel-scoped token is nobody on a public route that does not serve its channel.
    req.actor = actor?.channelScope && !channelToken ? null : actor && { ...actor, ip: req.ip };
    return;
  }
  const actor = await identify(req, deps);
  // A copy per request: identities are cached across requests, the address is this request's.
  req.actor = actor && { ...actor, ip: req.ip };
  if (!req.actor) throw unauthenticated();
  if (req.actor.channelScope && !channelToken) throw channelTokenRefused();
  if (mustEnrolFirst(req.actor) && req.routeOptions.config?.enrolment !== true) throw enrolmentRequired();
  if (permission === 'authenticated' || permission.startsWith('case:')) return;
  if (permission.startsWith('any:')) {
    const options = permission.slice(4).split('|');
    if (!options.some((p) => req.actor!.permissions.has(p))) throw forbidden(options[0]!);
    return;
  }
  if (!req.actor.permissions.has(permission)) {
    // An attempt to change the administration without the right is audited (reads are not).
    if (permission.startsWith('admin.') && !['GET', 'HEAD', 'OPTIONS'].includes(req.method))
      await recordRefusedChange(deps, req.actor, { method: req.method, route: req.routeOptions.url ?? req.url, permission });
    throw forbidden(permission);
  }
}

/**
 * A session (never an API token) of a user the organisation's policy requires to have a second
 * factor they have not set up: until they do, it reaches only the routes marked `enrolment`.
 */
const mustEnrolFirst = (u: AppUser) => u.via === 'session' && !u.twoFactorEnabled && twoFactorRequired(u.twoFactorPolicy, u.permissions);

const enrolmentRequired = () =>
  new Problem(
    403,
    'forbidden',
    'Set up two-factor sign-in first',
    'Your organisation requires two-factor sign-in. Set it up to continue.',
    {
      action: 'two_factor_enrolment',
    },
  );

/**
 * Channel-scoped tokens are default-deny: they act only as their channel (its cases), never on
 * their owner's account, preferences or the staff list.
 */
const channelTokenRefused = () =>
  new Problem(403, 'forbidden', 'Not allowed', "A channel-scoped API token can only work with its channel's cases.", {
    action: 'channel_token',
  });

/**
 * API request bodies are JSON only. Forms (which any web page can post cross-site with the
 * user's cookie) and other types are refused before validation, so they can change nothing.
 * Routes marked `multipart` (files) also take multipart/form-data, but from a browser only when it
 * says the request comes from this origin (Sec-Fetch-Site, else Origin), so another site cannot.
 */
function refuseNonJsonBody(req: FastifyRequest): void {
  if (!req.url.startsWith('/api/') || req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return;
  const type = req.headers['content-type'];
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (type === undefined || !hasBody || /^application\/json\s*(;|$)/i.test(type)) return;
  const multipart = req.routeOptions.config?.multipart;
  if (multipart && /^multipart\/form-data\s*;/i.test(type)) {
    if (multipart === 'any-site' || sameOrigin(req)) return;
    throw new Problem(403, 'forbidden', 'Not allowed', 'Files may only be sent from this site.', { action: 'cross_site_upload' });
  }
  throw new Problem(415, 'unsupported_media_type', 'Unsupported content type', 'Send JSON (Content-Type: application/json).');
}

/** Whether a browser request comes from this origin; a client that is no browser sends neither header. */
function sameOrigin(req: FastifyRequest): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string') return site === 'same-origin' || site === 'none';
  const origin = req.headers.origin;
  if (typeof origin !== 'string') return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
