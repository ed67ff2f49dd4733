import { Readable } from 'node:stream';
import { Type, type Static } from '@fastify/type-provider-typebox';
import { csvRow, localDate } from '@casework/domain';
import type { RouteModule } from './route-types.ts';
import type { Deps } from '../deps.ts';
import { actorOf } from './auth-hook.ts';
import { Id, Nullable, problems } from './schemas.ts';
import { parseDateBound } from './date-bounds.ts';
import { invalid, type FieldError } from '../errors.ts';
import { decodeAuditCursor, listAuditEntries, type AuditEntry, type AuditFilter } from '../db/repos/audit-list.ts';

const tags = ['audit log'];

const Filters = {
  actorId: Type.Optional(Id),
  action: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 80,
      pattern: '^[a-z_]+(\\.[a-z_]*)?$',
      description: 'An action (`user.updated`), or a family ending in a dot (`user.`, `sign_in.`)',
    }),
  ),
  target: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^[a-z_]+(:[^\\s]+)?$',
      description: 'A kind of target (`user`, `team`, `channel`…), or one thing: `user:<id>`',
    }),
  ),
  from: Type.Optional(Type.String({ maxLength: 40, description: 'From this instant or local day (YYYY-MM-DD), included' })),
  to: Type.Optional(Type.String({ maxLength: 40, description: 'Up to this instant or local day (YYYY-MM-DD), that day included' })),
};

const ListQuery = Type.Object(
  {
    ...Filters,
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
const ExportQuery = Type.Object(Filters, { additionalProperties: false });

const Change = Type.Object({ from: Type.Unknown(), to: Type.Unknown() });
const EntrySchema = Type.Object({
  id: Type.String(),
  at: Type.String({ format: 'date-time' }),
  actorId: Nullable(Type.String({ description: 'Who acted (null: nobody signed in, or the system)' })),
  actorName: Nullable(Type.String({ description: "The actor's name now" })),
  action: Type.String({ description: 'What happened: `<thing>.<verb>` (`user.updated`, `sign_in.failed`…)' }),
  target: Type.Object({ type: Type.String(), id: Nullable(Type.String()), label: Nullable(Type.String()) }),
  ip: Nullable(Type.String({ description: 'The address the request came from' })),
  changes: Type.Record(Type.String(), Change, {
    description: 'Each changed field before and after; secrets appear only as "[secret]"',
  }),
  detail: Nullable(Type.Record(Type.String(), Type.Unknown(), { description: 'A refusal’s reason and fields, a sign-in’s method…' })),
});
const PageSchema = Type.Object({ entries: Type.Array(EntrySchema), nextCursor: Nullable(Type.String()) });

type FilterQuery = Static<typeof ExportQuery>;

/** The filters as the list reads them; each bad one named. */
function readFilter(q: FilterQuery, zone: string, errors: FieldError[]): AuditFilter {
  const colon = q.target?.indexOf(':') ?? -1;
  const targetType = q.target && colon >= 0 ? q.target.slice(0, colon) : q.target;
  const targetId = q.target && colon >= 0 ? q.target.slice(colon + 1) : undefined;
  return {
    actorId: q.actorId?.toLowerCase(),
    action: q.action,
    from: parseDateBound(q.from, 'start', zone, 'from', errors),
    to: parseDateBound(q.to, 'end', zone, 'to', errors),
    targetType,
    targetId,
  };
}

const entryJson = (e: AuditEntry) => ({ ...e, at: e.at.toISOString() });

const HEADER = ['at', 'actorId', 'actorName', 'action', 'targetType', 'targetId', 'target', 'ip', 'changes', 'detail'];

/** Every matching entry as CSV lines, newest first, read a page at a time as the client takes them. */
async function* exportLines(deps: Deps, filter: AuditFilter): AsyncGenerator<string> {
  yield csvRow(HEADER);
  let cursor = null;
  for (;;) {
    const page = await listAuditEntries(deps.db.kysely, filter, { cursor, limit: 1000 });
    yield page.entries
      .map((e) =>
        csvRow([
          e.at.toISOString(),
          e.actorId,
          e.actorName,
          e.action,
          e.target.type,
          e.target.id,
          e.target.label,
          e.ip,
          Object.keys(e.changes).length ? JSON.stringify(e.changes) : '',
          e.detail ? JSON.stringify(e.detail) : '',
        ]),
      )
      .join('');
    if (!page.nextCursor) return;
    cursor = decodeAuditCursor(page.nextCursor);
  }
}

/**
 * The audit log (SPEC §14): administrators read it page by page with filters and export it as CSV.
 * Nothing here writes: entries are appended by the changes they record.
 */
export const auditLogRoutes: RouteModule = (app, deps) => {
  app.get(
    '/api/v1/audit-log',
    {
      config: { permission: 'admin.users' },
      schema: {
        tags,
        summary: 'The audit log, newest first (admins)',
        description:
          'Sign-ins (successes and failures) and every change to users, roles, teams, channels, tokens, webhooks, fields, shared canned replies and macros, single sign-on and organisation settings: who, when, from where, on what, and what changed. Keyset-paged with `cursor`.',
        querystring: ListQuery,
        response: { 200: PageSchema, ...problems(400, 401, 403) },
      },
    },
    async (req) => {
      const errors: FieldError[] = [];
      const filter = readFilter(req.query, actorOf(req).timeZone, errors);
      const cursor = req.query.cursor ? decodeAuditCursor(req.query.cursor) : null;
      if (req.query.cursor && !cursor) errors.push({ field: 'cursor', message: 'is not a cursor of this list' });
      if (errors.length) throw invalid(errors);
      const page = await listAuditEntries(deps.db.kysely, filter, { cursor, limit: req.query.limit ?? 50 });
      return { entries: page.entries.map(entryJson), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/v1/audit-log/export.csv',
    {
      config: { permission: 'admin.users' },
      schema: {
        tags,
        summary: 'Export the audit log as CSV (admins)',
        description:
          'The same filters as GET /audit-log, every matching entry (no paging), streamed as text/csv: time (UTC), actor, action, target, address, and the changes and detail as JSON.',
        querystring: ExportQuery,
        produces: ['text/csv'],
        response: { 200: Type.String({ description: 'CSV (RFC 4180)' }), ...problems(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const errors: FieldError[] = [];
      const filter = readFilter(req.query, actor.timeZone, errors);
      if (errors.length) throw invalid(errors);
      const name = `audit-log-${localDate(deps.clock.now(), actor.timeZone)}.csv`;
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'no-store')
        .send(Readable.from(exportLines(deps, filter), { highWaterMark: 1 }) as unknown as string);
    },
  );
};
