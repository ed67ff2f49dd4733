import { Type } from '@fastify/type-provider-typebox';
import type { TwoFactorPolicy } from '@casework/domain';
import type { Kysely } from 'kysely';
import type { RouteModule } from './route-types.ts';
import type { Database } from '../db/schema.ts';
import { AUDIT_RETENTION, TAG_LIMITS } from '@casework/domain';
import { Nullable, TagInput, problems } from './schemas.ts';
import { Name, ZoneInput } from './admin-schemas.ts';
import { updateOrganisation } from '../use-cases/update-organisation.ts';
import { actorOf } from './auth-hook.ts';

/** The highest attachment cap an organisation may set: files live in the database. */
const MAX_ATTACHMENT_CAP = 100 * 1024 * 1024;

const OrganisationSchema = Type.Object({
  name: Type.String(),
  timeZone: Type.String(),
  autoCloseDays: Type.Integer(),
  maxOpenPerUser: Nullable(Type.Integer()),
  slaGuard: Type.Boolean({
    description: 'SLA guard: Next Unassigned and claim-next take a queued case whose first response is due soon or breached first',
  }),
  managedTags: Nullable(Type.Array(Type.String(), { description: 'null: free tags; a list: only these tags can be added to cases' })),
  maxAttachmentBytes: Type.Integer({ description: 'Largest file agents may attach to a reply or note (bytes; default 25 MiB)' }),
  auditRetentionDays: Type.Integer({ description: 'Days audit log entries are kept (default 365)' }),
  spamRetentionDays: Type.Integer({ description: 'Spam cases are deleted this many days after they became spam (default 30)' }),
  twoFactorRequired: Type.Union([Type.Literal('off'), Type.Literal('admins'), Type.Literal('everyone')], {
    description:
      'Who must sign in with a second factor: off, admins (roles that manage users, teams, roles, channels, tokens or fields) or everyone',
  }),
});

const PatchBody = Type.Object(
  {
    name: Type.Optional(Name()),
    timeZone: Type.Optional(ZoneInput),
    autoCloseDays: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 365, description: 'Resolved cases close after this many days without activity' }),
    ),
    maxOpenPerUser: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 100_000, description: 'null: no limit' }))),
    slaGuard: Type.Optional(
      Type.Boolean({ description: 'true: a queued case whose first response is due soon or breached is picked before the usual order' }),
    ),
    managedTags: Type.Optional(
      Nullable(
        Type.Array(TagInput, {
          maxItems: TAG_LIMITS.managed,
          description: 'null: free tags; a list: only these tags can be added (stored lower-case, sorted; tags already on cases stay)',
        }),
      ),
    ),
    twoFactorRequired: Type.Optional(Type.Union([Type.Literal('off'), Type.Literal('admins'), Type.Literal('everyone')])),
    auditRetentionDays: Type.Optional(
      Type.Integer({
        minimum: AUDIT_RETENTION.minDays,
        maximum: AUDIT_RETENTION.maxDays,
        description: `Days audit log entries are kept (${AUDIT_RETENTION.minDays} to ${AUDIT_RETENTION.maxDays}); older ones are removed`,
      }),
    ),
    maxAttachmentBytes: Type.Optional(
      Type.Integer({ minimum: 1024, maximum: MAX_ATTACHMENT_CAP, description: 'Largest attachable file in bytes (1 KiB to 100 MiB)' }),
    ),
    spamRetentionDays: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 3650, description: 'Days a spam case is kept before it is deleted with its messages and files' }),
    ),
  },
  { additionalProperties: false },
);

async function readOrganisation(db: Kysely<Database>) {
  const o = await db
    .selectFrom('organisation')
    .select([
      'name',
      'time_zone',
      'auto_close_days',
      'max_open_per_user',
      'sla_guard',
      'managed_tags',
      'two_factor_required',
      'max_attachment_bytes',
      'audit_retention_days',
      'spam_retention_days',
    ])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return {
    name: o.name,
    timeZone: o.time_zone,
    autoCloseDays: o.auto_close_days,
    maxOpenPerUser: o.max_open_per_user,
    slaGuard: o.sla_guard,
    managedTags: o.managed_tags,
    maxAttachmentBytes: o.max_attachment_bytes,
    auditRetentionDays: o.audit_retention_days,
    spamRetentionDays: o.spam_retention_days,
    twoFactorRequired: o.two_factor_required as TwoFactorPolicy,
  };
}

export const organisationRoutes: RouteModule = (app, deps) => {
  const tags = ['organisation'];
  const db = deps.db.kysely;

  app.get(
    '/api/v1/organisation',
    {
      config: { permission: 'authenticated' },
      schema: { tags, summary: "The organisation's settings", response: { 200: OrganisationSchema, ...problems(401) } },
    },
    async () => readOrganisation(db),
  );

  app.patch(
    '/api/v1/organisation',
    {
      config: { permission: 'admin.users' },
      schema: {
        tags,
        summary:
          "Change the organisation's name, default time zone, auto-close delay, open-case limit, managed tags, two-factor policy, attachment size cap, audit log retention or spam retention (admins)",
        body: PatchBody,
        response: { 200: OrganisationSchema, ...problems(400, 401, 403) },
      },
    },
    async (req) => {
      await updateOrganisation(deps, actorOf(req), req.body);
      return readOrganisation(db);
    },
  );
};
