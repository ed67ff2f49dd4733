import { sql } from 'kysely';
import type { RouteModule } from './route-types.ts';
import { renderMetrics } from './metrics.ts';
import { Problem } from '../errors.ts';

export const systemRoutes: RouteModule = (app, deps) => {
  app.get('/healthz', { config: { permission: 'public' }, schema: { tags: ['system'], summary: 'Liveness' } },
    async () => ({ status: 'ok' }));

  app.get('/readyz', { config: { permission: 'public' }, schema: { tags: ['system'], summary: 'Readiness: the database answers' } },
    async () => {
      try {
        await sql`SELECT 1`.execute(deps.db.kysely);
      } catch {
        throw new Problem(503, 'internal', 'Not ready', 'The database does not answer.');
      }
      return { status: 'ready', database: deps.db.kind };
    });

  app.get('/metrics', { config: { permission: 'public' }, schema: { tags: ['system'], summary: 'Prometheus metrics', hide: true } },
    async (_req, reply) => {
      const mem = process.memoryUsage();
      reply.type('text/plain; version=0.0.4');
      return renderMetrics({
        casework_live_clients: deps.hub.size,
        process_resident_memory_bytes: mem.rss,
        nodejs_heap_used_bytes: mem.heapUsed,
        process_uptime_seconds: Math.round(process.uptime()),
      });
    });
};
