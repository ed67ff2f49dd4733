import { Type } from '@fastify/type-provider-typebox';
import type { RouteModule } from './route-types.ts';
import { Content, problems } from './schemas.ts';
import { widgetScript } from './widget-script.ts';
import { demoPage } from '../demo/demo-page.ts';
import { findChannelByKey, listActiveChatChannel } from '../db/repos/channels.ts';

export const widgetRoutes: RouteModule = (app, deps) => {
  app.get(
    '/widget.js',
    {
      config: { permission: 'public', embeddable: true },
      schema: {
        tags: ['chat (public)'],
        summary: 'The Web Connect widget script: <script src="/widget.js" data-channel="PUBLIC_KEY" async>',
        response: {
          200: Content('application/javascript', 'The script'),
          304: { description: 'Not modified (If-None-Match)' },
          ...problems(503),
        },
      },
    },
    async (req, reply) => {
      const w = widgetScript(deps.config.widgetFile ?? undefined);
      reply
        .header('cache-control', 'public, max-age=300')
        .header('etag', w.etag)
        .header('vary', 'accept-encoding')
        .header('access-control-allow-origin', '*')
        .type('application/javascript; charset=utf-8');
      if (req.headers['if-none-match'] === w.etag) return reply.status(304).send();
      if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(w.gzip);
      return reply.send(w.js);
    },
  );

  app.get(
    '/demo/chat',
    {
      config: { permission: 'public', embeddable: true },
      schema: {
        tags: ['chat (public)'],
        summary: 'A sample website with the chat widget',
        querystring: Type.Object({ key: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false }),
        response: { 200: Content('text/html', 'The page') },
      },
    },
    async (req, reply) => {
      const ch = req.query.key
        ? await findChannelByKey(deps.db.kysely, req.query.key)
        : await listActiveChatChannel(deps.db.kysely, 'web_connect');
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(demoPage(ch?.publicKey ?? null));
    },
  );
};
