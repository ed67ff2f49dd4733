import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from './route-types.ts';
import { Problem } from '../errors.ts';

type Limiter = ReturnType<App['createRateLimit']>;

/**
 * A second rate limit inside a route (the route's own `config.rateLimit` counts per client
 * address): the key comes from the parsed body, so it limits per account however many addresses
 * ask. Same store and configuration style as every other limit.
 */
export function keyedLimit(app: App, name: string, max: number, timeWindow: number, key: (req: FastifyRequest) => string): Limiter {
  return app.createRateLimit({ max, timeWindow, keyGenerator: (req) => `${name}:${key(req)}` });
}

/** Throws the 429 (with Retry-After) when the limiter refuses this request. */
export async function enforce(limit: Limiter, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const r = await limit(req);
  // isAllowed means allow-listed; a counted request is refused once it exceeds the limit.
  if (r.isAllowed || !r.isExceeded) return;
  reply.header('retry-after', String(r.ttlInSeconds));
  throw new Problem(429, 'rate_limited', 'Too many requests', `Too many requests: retry in ${r.ttlInSeconds} s.`);
}
