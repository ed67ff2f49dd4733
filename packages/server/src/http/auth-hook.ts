import type { FastifyReply, FastifyRequest } from 'fastify';
import '@fastify/cookie';
import type { AppUser } from '../auth/actor.ts';
import { findSessionUser, findTokenUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import { forbidden, unauthenticated } from '../errors.ts';
import { sha256 } from '../ids.ts';
import type { App } from './route-types.ts';

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

async function identify(req: FastifyRequest, deps: Deps): Promise<AppUser | null> {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    if (!m) throw unauthenticated('Use "Authorization: Bearer <token>".');
    const user = await findTokenUser(deps.db.kysely, sha256(m[1]!));
    if (!user) throw unauthenticated('The API token is not valid.');
    void deps.db.kysely.updateTable('api_tokens').set({ last_used_at: deps.clock.now() })
      .where('id', '=', user.credentialId).execute().catch(() => {});
    return user;
  }
  const cookie = req.cookies[SESSION_COOKIE];
  if (!cookie) return null;
  const user = await findSessionUser(deps.db.kysely, sha256(cookie), deps.clock.now());
  if (!user) throw unauthenticated('Your session has expired. Sign in again.');
  return user;
}

/**
 * Every route declares `config.permission`; this hook enforces it before the handler runs.
 * Registering a route without one fails at startup.
 */
export function installAuth(app: App, deps: Deps): void {
  app.decorateRequest('actor', null);
  app.addHook('onRoute', (route) => {
    if (!route.config?.permission && !String(route.url).startsWith('/docs')) {
      throw new Error(`Route ${route.method} ${route.url} declares no permission`);
    }
  });
  app.addHook('preHandler', async (req: FastifyRequest, _reply: FastifyReply) => {
    const permission = req.routeOptions.config?.permission ?? 'public';
    if (permission === 'public') {
      req.actor = await identify(req, deps).catch(() => null);
      return;
    }
    req.actor = await identify(req, deps);
    if (!req.actor) throw unauthenticated();
    if (permission === 'authenticated' || permission.startsWith('case:')) return;
    if (permission.startsWith('any:')) {
      const options = permission.slice(4).split('|');
      if (!options.some((p) => req.actor!.permissions.has(p))) throw forbidden(options[0]!);
      return;
    }
    if (!req.actor.permissions.has(permission)) throw forbidden(permission);
  });
}
