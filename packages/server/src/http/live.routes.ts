import type { RouteModule } from './route-types.ts';
import { EventStream } from './schemas.ts';
import { actorOf } from './auth-hook.ts';
import type { LiveClient, LiveMessage } from '../realtime/hub.ts';
import { findSessionUser, findTokenUserById } from '../auth/actor.ts';

const HEARTBEAT_MS = 15_000;
const RECHECK_MS = 30_000;

const frame = (m: LiveMessage) => `${m.id ? `id: ${m.id}\n` : ''}event: ${m.event}\ndata: ${JSON.stringify(m.data)}\n\n`;

export const liveRoutes: RouteModule = (app, deps) => {
  app.get(
    '/api/v1/events',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags: ['live'],
        summary: 'Server-sent events for every change the user may see (resume with Last-Event-ID)',
        response: { 200: EventStream },
      },
    },
    async (req, reply) => {
      let actor = actorOf(req);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(`retry: 2000\n: connected\n\n`);
      // Permissions and teams can change while connected: re-read the user, and stop if signed out.
      const reload = async () => {
        const fresh =
          actor.via === 'token'
            ? await findTokenUserById(deps.db.kysely, actor.credentialId).catch(() => undefined)
            : await findSessionUser(deps.db.kysely, actor.credentialId, deps.clock.now()).catch(() => undefined);
        if (!fresh) res.end();
        else actor = fresh;
      };
      const client: LiveClient = {
        get actor() {
          return actor;
        },
        send: (m) => {
          if (res.writableEnded || res.destroyed) return;
          // A client that does not read would make this buffer grow without end: drop it; when it
          // reads again its browser reconnects and resumes from its Last-Event-ID.
          if (res.writableLength > deps.config.liveBufferBytes) {
            deps.hub.dropped++;
            res.destroy();
            return;
          }
          res.write(frame(m));
        },
        close: (retryMs) => {
          if (res.writableEnded || res.destroyed) return;
          res.end(retryMs === undefined ? undefined : `retry: ${retryMs}\nevent: reconnect\ndata: {"type":"reconnect"}\n\n`);
        },
        reload,
      };
      const remove = deps.hub.add(client);
      const lastId = req.headers['last-event-id'];
      if (typeof lastId === 'string' && /^\d{1,18}$/.test(lastId)) {
        const missed = await deps.hub.missedSince(actor, lastId);
        if (missed === null) client.send({ event: 'resync', data: { type: 'resync' } });
        else for (const m of missed) client.send(m);
      }
      client.send({ event: 'ready', data: { type: 'ready' } });
      const heartbeat = setInterval(() => {
        if (res.writableEnded || res.destroyed) return;
        if (res.writableLength > deps.config.liveBufferBytes) {
          deps.hub.dropped++;
          res.destroy();
        } else res.write(': ping\n\n');
      }, HEARTBEAT_MS);
      // Team and role changes are announced (the hub reloads at once); this also catches expiry and revocation.
      const recheck = setInterval(() => void reload().then(() => deps.hub.reindex(client)), RECHECK_MS);
      req.raw.on('close', () => {
        clearInterval(heartbeat);
        clearInterval(recheck);
        remove();
      });
    },
  );
};
