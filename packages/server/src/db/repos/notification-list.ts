import { sql, type Kysely, type RawBuilder } from 'kysely';
import { notificationSummary, seesEveryCase, type Actor, type NotificationType } from '@casework/domain';
import type { Database } from '../schema.ts';
import { visibleTo } from '../sql-rules.ts';

export type NotificationItem = {
  id: string;
  type: NotificationType;
  caseId: string;
  actorId: string | null;
  summary: string;
  createdAt: Date;
  readAt: Date | null;
};

/**
 * Only notifications about cases the user may see now: one whose case they lost sight of is
 * neither listed nor counted (visibleTo, the SQL twin of canView; for users who see every case
 * there is nothing to check, so no case is read).
 */
function stillVisible(actor: Actor): RawBuilder<boolean> {
  if (seesEveryCase(actor)) return sql<boolean>`true`;
  return sql<boolean>`EXISTS (SELECT 1 FROM cases c WHERE c.id = n.case_id AND ${visibleTo(actor)})`;
}

/**
 * A page of the user's bell, newest first (ids are time-ordered UUIDv7), after `cursor` (the last
 * id of the previous page); the summary is written from the case and people as they are now.
 */
export async function listNotifications(
  q: Kysely<Database>,
  actor: Actor,
  opts: { unread: boolean; cursor: string | null; limit: number },
): Promise<{ items: NotificationItem[]; nextCursor: string | null }> {
  const r = await sql<{
    id: string;
    type: NotificationType;
    case_id: string;
    actor_id: string | null;
    actor_name: string | null;
    reference: string;
    subject: string;
    customer_name: string | null;
    created_at: Date;
    read_at: Date | null;
  }>`SELECT n.id::text AS id, n.type, n.case_id::text AS case_id, n.actor_id::text AS actor_id, a.name AS actor_name,
      k.reference, k.subject, cu.name AS customer_name, n.created_at, n.read_at
    FROM (SELECT * FROM notifications n
          WHERE n.user_id = ${actor.id}::uuid AND n.in_app
            ${opts.unread ? sql`AND n.read_at IS NULL` : sql``}
            ${opts.cursor ? sql`AND n.id < ${opts.cursor}::uuid` : sql``}
            AND ${stillVisible(actor)}
          ORDER BY n.id DESC LIMIT ${opts.limit + 1}) n
    JOIN cases k ON k.id = n.case_id
    LEFT JOIN customers cu ON cu.id = k.customer_id
    LEFT JOIN users a ON a.id = n.actor_id
    ORDER BY n.id DESC`.execute(q);
  const rows = r.rows.slice(0, opts.limit);
  return {
    items: rows.map((x) => ({
      id: x.id,
      type: x.type,
      caseId: x.case_id,
      actorId: x.actor_id,
      summary: notificationSummary(x.type, {
        actorName: x.actor_name,
        reference: x.reference,
        subject: x.subject,
        customerName: x.customer_name,
      }),
      createdAt: new Date(x.created_at),
      readAt: x.read_at ? new Date(x.read_at) : null,
    })),
    nextCursor: r.rows.length > opts.limit ? rows[rows.length - 1]!.id : null,
  };
}

/** How many of the user's bell notifications are unread (about cases they may see now). */
export async function countUnread(q: Kysely<Database>, actor: Actor): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM notifications n
    WHERE n.user_id = ${actor.id}::uuid AND n.in_app AND n.read_at IS NULL AND ${stillVisible(actor)}`.execute(q);
  return r.rows[0]!.n;
}

/** A user's stored notification settings (null: they never chose; the defaults hold). */
export async function findNotificationSettings(
  q: Kysely<Database>,
  userId: string,
): Promise<{ settings: Record<string, unknown>; emailDigest: string } | null> {
  const row = await q
    .selectFrom('notification_settings')
    .select(['settings', 'email_digest'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row ? { settings: row.settings, emailDigest: row.email_digest } : null;
}

export { searchRecipients } from './notifications.ts';
