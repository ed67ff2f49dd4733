import { sql, type Kysely } from 'kysely';
import {
  notificationSettingsOf,
  type Actor,
  type NotificationSettings,
  type NotificationType,
  type NotifiedCase,
  type StoredNotificationSettings,
} from '@casework/domain';
import type { Database } from '../schema.ts';

/** A user who may be told: their rights (for canView), their settings and their zone (digests). */
export type Recipient = Actor & { email: string; name: string; settings: NotificationSettings; digestDueAt: Date | null };

type RecipientRow = {
  id: string;
  email: string;
  name: string;
  time_zone: string | null;
  org_zone: string;
  permissions: string[];
  team_ids: string[];
  settings: StoredNotificationSettings | null;
  email_digest: string | null;
  digest_due_at: Date | string | null;
};

const toRecipient = (r: RecipientRow): Recipient => ({
  id: r.id,
  email: r.email,
  name: r.name,
  permissions: new Set(r.permissions),
  teamIds: r.team_ids,
  timeZone: r.time_zone ?? r.org_zone,
  settings: notificationSettingsOf({ ...(r.settings ?? {}), ...(r.email_digest ? { emailDigest: r.email_digest } : {}) }),
  digestDueAt: r.digest_due_at ? new Date(r.digest_due_at) : null,
});

/** The active users among `userIds`, with their rights and settings (one statement). */
export async function findRecipients(q: Kysely<Database>, userIds: readonly string[]): Promise<Map<string, Recipient>> {
  if (userIds.length === 0) return new Map();
  const r = await sql<RecipientRow>`SELECT u.id::text AS id, u.email, u.name, u.time_zone, r.permissions,
      array(SELECT tm.team_id::text FROM team_members tm WHERE tm.user_id = u.id ORDER BY tm.team_id) AS team_ids,
      (SELECT o.time_zone FROM organisation o WHERE o.id = 1) AS org_zone,
      s.settings, s.email_digest, s.digest_due_at
    FROM users u JOIN roles r ON r.id = u.role_id LEFT JOIN notification_settings s ON s.user_id = u.id
    WHERE u.id = ANY(${[...userIds]}::uuid[]) AND u.active`.execute(q);
  return new Map(r.rows.map((row) => [row.id, toRecipient(row)]));
}

export type NewNotification = {
  id: string;
  userId: string;
  type: NotificationType;
  caseId: string;
  eventId: string;
  actorId: string | null;
  inApp: boolean;
  desktop: boolean;
  emailStatus: 'none' | 'pending' | 'digest';
  createdAt: Date;
};

/** Stores notifications (one statement), in the transaction of the change that caused them. */
export async function insertNotifications(trx: Kysely<Database>, rows: readonly NewNotification[]): Promise<void> {
  if (rows.length === 0) return;
  await trx
    .insertInto('notifications')
    .values(
      rows.map((n) => ({
        id: n.id,
        user_id: n.userId,
        type: n.type,
        case_id: n.caseId,
        event_id: n.eventId,
        actor_id: n.actorId,
        in_app: n.inApp,
        desktop: n.desktop,
        email_status: n.emailStatus,
        next_attempt_at: n.emailStatus === 'pending' ? n.createdAt : null,
        created_at: n.createdAt,
      })),
    )
    .execute();
}

/** Sets when users' digests are due, unless one is already due earlier (their first waiting notification's). */
export async function scheduleDigests(trx: Kysely<Database>, due: readonly { userId: string; at: Date }[]): Promise<void> {
  if (due.length === 0) return;
  await sql`UPDATE notification_settings s SET digest_due_at = d.at
    FROM unnest(${due.map((d) => d.userId)}::uuid[], ${due.map((d) => d.at.toISOString())}::timestamptz[]) AS d(user_id, at)
    WHERE s.user_id = d.user_id AND (s.digest_due_at IS NULL OR s.digest_due_at > d.at)`.execute(trx);
}

/** The case as notifications judge it (who owns, follows, which team), read in the writing transaction. */
export async function notifiedCase(q: Kysely<Database>, caseId: string): Promise<NotifiedCase | undefined> {
  const r = await sql<{ type: string; status: string; team_id: string; owner_id: string | null; collaborator_ids: string[] }>`SELECT
      c.type, c.status, c.team_id::text AS team_id, c.owner_id::text AS owner_id,
      array(SELECT cc.user_id::text FROM case_collaborators cc WHERE cc.case_id = c.id ORDER BY cc.user_id) AS collaborator_ids
    FROM cases c WHERE c.id = ${caseId}::uuid`.execute(q);
  const row = r.rows[0];
  return (
    row && {
      type: row.type as NotifiedCase['type'],
      status: row.status as NotifiedCase['status'],
      teamId: row.team_id,
      ownerId: row.owner_id,
      collaboratorIds: row.collaborator_ids,
    }
  );
}

/** Active users by (lower-cased) email address: who a note's mentions name. */
export async function usersByEmail(q: Kysely<Database>, emails: readonly string[]): Promise<string[]> {
  if (emails.length === 0) return [];
  const r = await sql<{ id: string }>`SELECT id::text AS id FROM users
    WHERE lower(email) = ANY(${[...emails]}::text[]) AND active`.execute(q);
  return r.rows.map((x) => x.id);
}
