import { sql } from 'kysely';
import { Type } from '@fastify/type-provider-typebox';
import type { RouteModule } from './route-types.ts';
import { problems } from './schemas.ts';
import { renderMetrics } from './metrics.ts';
import { Problem } from '../errors.ts';
import { checkMetricsAccess } from './metrics-access.ts';

export const systemRoutes: RouteModule = (app, deps) => {
  app.get(
    '/healthz',
    {
      config: { permission: 'public' },
      schema: { tags: ['system'], summary: 'Liveness', response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['system'],
        summary: 'Readiness: the database answers and the process is not stopping',
        response: { 200: Type.Object({ status: Type.Literal('ready'), database: Type.String() }), ...problems(503) },
      },
    },
    async (_req, reply) => {
      // Expected while stopping (no error to log): the load balancer takes this process out.
      if (deps.state.draining) {
        const raw = reply as unknown as { status(n: number): { type(t: string): { send(b: unknown): unknown } } };
        return raw.status(503).type('application/problem+json').send({
          type: 'urn:casework:problem:internal',
          title: 'Not ready',
          status: 503,
          code: 'internal',
          detail: 'This process is stopping.',
        }) as never;
      }
      try {
        await sql`SELECT 1`.execute(deps.db.kysely);
      } catch {
        throw new Problem(503, 'internal', 'Not ready', 'The database does not answer.');
      }
      return { status: 'ready' as const, database: deps.db.kind };
    },
  );

  app.get(
    '/metrics',
    {
      // Its own bearer token, not an API token: the auth hook must not read the header as one.
      config: { permission: 'public', metricsToken: true },
      schema: { tags: ['system'], summary: 'Prometheus metrics (CASEWORK_METRICS_TOKEN or loopback)', hide: true },
    },
    async (req, reply) => {
      checkMetricsAccess(req, deps.config.metricsToken);
      const mem = process.memoryUsage();
      reply.type('text/plain; version=0.0.4');
      return renderMetrics({
        casework_live_clients: deps.hub.size,
        casework_live_clients_dropped_total: deps.hub.dropped,
        casework_live_notices_heard_total: deps.hub.heard,
        casework_live_events_late_total: deps.hub.late,
        casework_live_streams_judged_total: deps.hub.judged,
        casework_database_listening: deps.db.accessVersion() === null ? 0 : 1,
        casework_draining: deps.state.draining ? 1 : 0,
        process_resident_memory_bytes: mem.rss,
        nodejs_heap_used_bytes: mem.heapUsed,
        process_uptime_seconds: Math.round(process.uptime()),
      });
    },
  );
};
