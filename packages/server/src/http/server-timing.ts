import { performance } from 'node:perf_hooks';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { newTiming, tracing, withTiming, writeTrace, type RequestTiming } from '../db/request-timing.ts';
import { observeRequest } from './metrics.ts';
import type { App } from './route-types.ts';

declare module 'fastify' {
  interface FastifyRequest {
    timing: RequestTiming;
  }
}

const ms = (x: number) => x.toFixed(2);

/**
 * The `Server-Timing` value of a request so far: total, database (time and statements; commit: of it, the COMMITs), auth
 * (its own statements included), serialisation, and the rest (`app`: total less the others).
 */
function serverTiming(t: RequestTiming, now = performance.now()): string {
  const total = now - t.start;
  const rest = Math.max(0, total - t.dbMs - (t.authMs - t.authDbMs) - t.serialiseMs);
  return `total;dur=${ms(total)}, db;dur=${ms(t.dbMs)};desc="${t.statements} statements", commit;dur=${ms(t.commitMs)}, auth;dur=${ms(t.authMs)}, serialise;dur=${ms(t.serialiseMs)}, app;dur=${ms(rest)}`;
}

/**
 * Measures every request: the database wrapper adds each statement's time to the request it
 * runs for (found through AsyncLocalStorage, entered when the request arrives and again once its
 * body is read, since the body's stream events run outside it), the auth hook its own time, and
 * serialisation is timed from preSerialization to onSend. The answer carries the figures in
 * `Server-Timing`; the per-route histograms get them when the response has gone.
 */
export function installServerTiming(app: App): void {
  app.decorateRequest('timing', null as unknown as RequestTiming);
  app.addHook('onRequest', (req: FastifyRequest, _reply: FastifyReply, done: () => void) => {
    const t = newTiming();
    req.timing = t;
    if (tracing) {
      const label = req.headers['x-casework-trace'];
      if (typeof label === 'string') t.trace = { label, statements: [] };
    }
    withTiming(t, done);
  });
  app.addHook('preValidation', (req: FastifyRequest, _reply: FastifyReply, done: () => void) => {
    withTiming(req.timing, done);
  });
  app.addHook('preSerialization', (req: FastifyRequest, _reply: FastifyReply, payload: unknown, done: (err: null, p: unknown) => void) => {
    req.timing.serialiseStart = performance.now();
    done(null, payload);
  });
  app.addHook('onSend', (req: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, p: unknown) => void) => {
    const t = req.timing;
    if (!t) return done(null, payload); // refused before routing (a malformed URL)
    const now = performance.now();
    if (t.serialiseStart) t.serialiseMs = now - t.serialiseStart;
    reply.header('server-timing', serverTiming(t, now));
    done(null, payload);
  });
  app.addHook('onResponse', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    observeRequest(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000, req.timing ?? undefined);
    if (req.timing?.trace) writeTrace(req.timing);
    done();
  });
}
