import type { RouteModule } from './route-types.ts';
import { Content } from './schemas.ts';
import { outboxPage } from '../demo/outbox-page.ts';

/** The demo's outbox page: what the demo's stand-in mail relay and SMS provider received. */
export const demoRoutes: RouteModule = (app, deps) => {
  app.get(
    '/demo/outbox',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['demo'],
        summary: 'What the demo delivered by email and SMS (only while running the demo)',
        response: { 200: Content('text/html', 'The outbox page'), 404: Content('text/html', 'This server is not running the demo') },
      },
    },
    async (_req, reply) => {
      const outbox = deps.demoOutbox;
      return reply
        .status(outbox ? 200 : 404)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(outboxPage(outbox?.items ?? [], Boolean(outbox)));
    },
  );
};
