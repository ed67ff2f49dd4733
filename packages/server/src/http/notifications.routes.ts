import { Type } from '@fastify/type-provider-typebox';
import { canView, EMAIL_DIGESTS, NOTIFICATION_MEDIA, NOTIFICATION_TYPES, type NotificationSettings } from '@casework/domain';
import type { RouteModule } from './route-types.ts';
import { actorOf } from './auth-hook.ts';
import { Id, IdParams, Nullable, StringEnum, UUID_PATTERN, problems } from './schemas.ts';
import { countUnread, listNotifications, searchRecipients } from '../db/repos/notification-list.ts';
import { findCaseView } from '../db/repos/case-views.ts';
import { pathId } from './ids.ts';
import { markNotificationsRead, notificationSettingsFor, saveNotificationSettings } from '../use-cases/notification-inbox.ts';
import { invalid, notFound } from '../errors.ts';

const PAGE = 50;
const MENTION_PAGE = 10;

const NotificationSchema = Type.Object({
  id: Type.String(),
  type: StringEnum(NOTIFICATION_TYPES),
  caseId: Type.String(),
  actorId: Type.Optional(Nullable(Type.String({ description: 'Who acted (absent: a customer or a timer)' }))),
  summary: Type.String({ description: 'What happened, on which case, by whom (as the case and people are now)' }),
  createdAt: Type.String(),
  readAt: Nullable(Type.String()),
});

const Media = (all: boolean) =>
  Type.Object(
    Object.fromEntries(NOTIFICATION_MEDIA.map((m) => [m, all ? Type.Boolean() : Type.Optional(Type.Boolean())])) as Record<
      (typeof NOTIFICATION_MEDIA)[number],
      ReturnType<typeof Type.Boolean>
    >,
    { additionalProperties: false },
  );

const SettingsSchema = Type.Object({
  types: Type.Object(Object.fromEntries(NOTIFICATION_TYPES.map((t) => [t, Media(true)])) as Record<string, ReturnType<typeof Media>>),
  emailDigest: StringEnum(EMAIL_DIGESTS, 'Email per notification (off), or one digest mail per hour or per day (08:00 in your zone)'),
});

const SettingsInput = Type.Object(
  {
    types: Type.Optional(
      Type.Object(
        Object.fromEntries(NOTIFICATION_TYPES.map((t) => [t, Type.Optional(Media(false))])) as Record<string, ReturnType<typeof Media>>,
        {
          additionalProperties: false,
        },
      ),
    ),
    emailDigest: Type.Optional(StringEnum(EMAIL_DIGESTS)),
  },
  { additionalProperties: false },
);

const present = (s: NotificationSettings) => ({ types: s.types, emailDigest: s.emailDigest });

export const notificationRoutes: RouteModule = (app, deps) => {
  const tags = ['notifications'];

  app.get(
    '/api/v1/me/notifications',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Your notifications (the bell), newest first, with the unread count; only about cases you may see',
        querystring: Type.Object(
          {
            unread: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
            cursor: Type.Optional(Type.String({ pattern: UUID_PATTERN, description: 'nextCursor of the previous page' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            notifications: Type.Array(NotificationSchema),
            unreadCount: Type.Integer(),
            nextCursor: Nullable(Type.String()),
          }),
          ...problems(400, 401),
        },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const [page, unreadCount] = await Promise.all([
        listNotifications(deps.db.kysely, actor, {
          unread: req.query.unread === 'true',
          cursor: req.query.cursor?.toLowerCase() ?? null,
          limit: PAGE,
        }),
        countUnread(deps.db.kysely, actor),
      ]);
      return {
        notifications: page.items.map((n) => ({
          id: n.id,
          type: n.type,
          caseId: n.caseId,
          ...(n.actorId ? { actorId: n.actorId } : {}),
          summary: n.summary,
          createdAt: n.createdAt.toISOString(),
          readAt: n.readAt?.toISOString() ?? null,
        })),
        unreadCount,
        nextCursor: page.nextCursor,
      };
    },
  );

  app.post(
    '/api/v1/me/notifications/read',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Mark your notifications read: these ids, or all',
        body: Type.Union([
          Type.Object({ ids: Type.Array(Id, { minItems: 1, maxItems: 500 }) }, { additionalProperties: false }),
          Type.Object({ all: Type.Literal(true) }, { additionalProperties: false }),
        ]),
        response: { 200: Type.Object({ marked: Type.Integer(), unreadCount: Type.Integer() }), ...problems(400, 401) },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const b = req.body as { ids?: string[]; all?: true };
      if (!b.ids && b.all !== true) throw invalid([{ field: 'ids', message: 'give ids, or all: true' }]);
      const marked = await markNotificationsRead(deps, actor, b.ids ? { ids: b.ids.map((i) => i.toLowerCase()) } : { all: true });
      return { marked, unreadCount: await countUnread(deps.db.kysely, actor) };
    },
  );

  app.get(
    '/api/v1/me/notification-settings',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'How you are told about each notification type: in the app, by email, on the desktop; and the email digest',
        response: { 200: SettingsSchema, ...problems(401) },
      },
    },
    async (req) => present(await notificationSettingsFor(deps, actorOf(req).id)),
  );

  app.put(
    '/api/v1/me/notification-settings',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Change your notification settings (types and media left out keep their value); unknown types or media are refused',
        body: SettingsInput,
        response: { 200: SettingsSchema, ...problems(400, 401) },
      },
    },
    async (req) => present(await saveNotificationSettings(deps, actorOf(req), req.body)),
  );

  app.get(
    '/api/v1/cases/:id/mentionable',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary:
          'Users an internal note on this case may @mention: active users who may see the case, by name (`q` filters name and email)',
        params: IdParams,
        querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ users: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), email: Type.String() })) }),
          ...problems(400, 401, 404),
        },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const c = await findCaseView(deps.db.kysely, pathId(req.params.id));
      if (!c || !canView(actor, c)) throw notFound();
      // Candidates by name, then the domain's visibility rule for each; a page of 10.
      const candidates = await searchRecipients(deps.db.kysely, (req.query.q ?? '').trim(), 200);
      const users = candidates.filter((u) => canView(u, c)).slice(0, MENTION_PAGE);
      return { users: users.map((u) => ({ id: u.id, name: u.name, email: u.email })) };
    },
  );
};
