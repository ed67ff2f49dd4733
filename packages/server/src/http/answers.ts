import type { RouteOptions } from 'fastify';
import type { App } from './route-types.ts';
import { problems } from './schemas.ts';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const TITLES: Record<number, string> = {
  400: 'Invalid request (problem+json, with fields)',
  401: 'Not signed in, or the token or session is not valid',
  403: 'The role or token may not do this',
  404: 'Not found, or not visible to this user',
  409: 'Conflicts with the current state',
  413: 'Request body too large',
  415: 'Unsupported content type (send JSON)',
  429: 'Too many requests (see Retry-After)',
  502: 'The mail relay refused or could not be reached',
  503: 'Not ready, or no mail relay is configured',
};

/** One problem+json answer for the OpenAPI document (and the response serializer). */
const problemAnswer = (status: number) => ({ ...problems(status)[status], description: TITLES[status] ?? 'Problem' });

/**
 * The error statuses any route can answer, from what it is: every route may be rate limited
 * (429) or sent a malformed URL or text, e.g. a NUL character (400, text-guard.ts); a route that
 * needs a user answers 401, and 403 (a role without the permission, or a channel-scoped token,
 * which most routes refuse); a path naming something answers 404; a method with a body can be
 * sent one too large (413) or not JSON (415). Route-specific statuses are declared by the route.
 */
function commonAnswers(route: Pick<RouteOptions, 'method' | 'url' | 'config'>): number[] {
  const permission = (route.config as { permission?: string } | undefined)?.permission ?? 'public';
  const codes = [400, 429];
  if (permission !== 'public') codes.push(401, 403);
  if (String(route.url).includes(':')) codes.push(404);
  if ([route.method].flat().some((m) => BODY_METHODS.has(m))) codes.push(413, 415);
  return codes;
}

/**
 * Declares the common error answers on every documented route, as problem+json, so the OpenAPI
 * document lists every status an operation can answer without each route repeating them.
 * Registered before the routes; a route's own declaration of a status wins.
 */
export function installAnswers(app: App): void {
  app.addHook('onRoute', (route) => {
    const schema = route.schema as (Record<string, unknown> & { hide?: boolean; response?: Record<string, unknown> }) | undefined;
    if (!schema || schema.hide) return;
    const own = schema.response ?? {};
    const common = Object.fromEntries(commonAnswers(route).map((c) => [c, problemAnswer(c)]));
    // Without a declared success the document would lose its default 200.
    const success = Object.keys(own).some((c) => /^[23]/.test(c)) ? {} : { 200: { description: 'Default Response' } };
    schema.response = { ...success, ...common, ...own };
  });
}
