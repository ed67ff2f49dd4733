import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from './route-types.ts';

/**
 * The Content-Security-Policy of every page: scripts only from this origin (no inline script,
 * no eval), styles from this origin or inline (React style attributes, the widget's shadow
 * style), images also from data:/blob: URLs and, for an HTML mail whose remote images an agent
 * chose to show, from http(s) (the mail's frame adds its own stricter policy until then), no
 * plugins, forms and <base> kept on this origin.
 */
const POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https: http:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
];

/** Pages no other site may frame (everything but the embeddable ones): clickjacking defence. */
const APP_CSP = [...POLICY, "frame-ancestors 'none'"].join('; ');
/** Pages meant to be embedded on customers' sites (the widget script, the public demo/chat page). */
const EMBEDDABLE_CSP = POLICY.join('; ');
const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * SPEC §15 browser security headers on every answer: CSP (`frame-ancestors 'none'` and
 * X-Frame-Options unless the route is `config.embeddable`), nosniff, Referrer-Policy same-origin,
 * and HSTS when cookies are marked secure (the server is reached over HTTPS).
 */
export function installSecurityHeaders(app: App, opts: { hsts: boolean }): void {
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const embeddable = req.routeOptions.config?.embeddable === true;
    reply.header('content-security-policy', embeddable ? EMBEDDABLE_CSP : APP_CSP);
    if (!embeddable) reply.header('x-frame-options', 'DENY');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    if (opts.hsts) reply.header('strict-transport-security', HSTS);
  });
}
