import { Type } from '@fastify/type-provider-typebox';
import type { RouteModule } from './route-types.ts';
import { problems } from './schemas.ts';
import { actorOf } from './auth-hook.ts';
import { addToBlocklist, blocklist, removeFromBlocklist } from '../use-cases/mailbox/blocklist.ts';

const Kind = Type.Union([Type.Literal('email'), Type.Literal('domain')], {
  description: 'email: one sender address; domain: every address of the domain and its subdomains',
});
const EntrySchema = Type.Object({ value: Type.String(), kind: Kind, createdAt: Type.String({ format: 'date-time' }) });
const BlocklistSchema = Type.Object({ entries: Type.Array(EntrySchema) });
const EntriesBody = Type.Object(
  {
    entries: Type.Array(
      Type.Object(
        {
          kind: Kind,
          value: Type.String({ minLength: 1, maxLength: 254, description: 'An address (ann@example.com) or a domain (example.com)' }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
  },
  { additionalProperties: false },
);

const tags = ['blocklist'];

/**
 * The blocklist (SPEC §13, administrators): mail from a listed sender or domain becomes a spam case
 * directly (never dropped, never queued) and no automatic mail goes to it.
 */
export const blocklistRoutes: RouteModule = (app, deps) => {
  app.get(
    '/api/v1/blocklist',
    {
      config: { permission: 'admin.channels' },
      schema: { tags, summary: 'The blocked senders and domains, newest first', response: { 200: BlocklistSchema, ...problems(401, 403) } },
    },
    async () => blocklist(deps),
  );

  app.post(
    '/api/v1/blocklist',
    {
      config: { permission: 'admin.channels' },
      schema: {
        tags,
        summary: 'Block senders or domains (all or nothing; entries already listed stay); answers the whole list',
        body: EntriesBody,
        response: { 200: BlocklistSchema, ...problems(400, 401, 403) },
      },
    },
    async (req) => addToBlocklist(deps, actorOf(req), req.body.entries),
  );

  app.delete(
    '/api/v1/blocklist',
    {
      config: { permission: 'admin.channels' },
      schema: {
        tags,
        summary: 'Unblock senders or domains (entries not listed are ignored); answers the whole list',
        body: EntriesBody,
        response: { 200: BlocklistSchema, ...problems(400, 401, 403) },
      },
    },
    async (req) => removeFromBlocklist(deps, actorOf(req), req.body.entries),
  );
};
