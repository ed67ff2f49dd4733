import { sql, type Kysely, type RawBuilder } from 'kysely';
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

const recipientColumns = sql`u.id::text AS id, u.email, u.name, u.time_zone, r.permissions,
  array(SELECT tm.team_id::text FROM team_members tm WHERE tm.user_id = u.id ORDER BY tm.team_id) AS team_ids,
  (SELECT o.time_zone FROM organisation o WHERE o.id = 1) AS org_zone,
  s.settings, s.email_digest, s.digest_due_at`;
const recipientJoins = sql`users u JOIN roles r ON r.id = u.role_id LEFT JOIN notification_settings s ON s.user_id = u.id`;

/** The active users among `userIds`, with their rights and settings (one statement). */
export async function findRecipients(q: Kysely<Database>, userIds: readonly string[]): Promise<Map<string, Recipient>> {
  if (userIds.length === 0) return new Map();
  const r = await sql<RecipientRow>`SELECT ${recipientColumns} FROM ${recipientJoins}
    WHERE u.id = ANY(${[...userIds]}::uuid[]) AND u.active`.execute(q);
  return new Map(r.rows.map((row) => [row.id, toRecipient(row)]));
}

/** Active users whose name or email contains `text` (all when empty), by name, with their rights. */
export async function searchRecipients(q: Kysely<Database>, text: string, limit: number): Promise<Recipient[]> {
  const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const r = await sql<RecipientRow>`SELECT ${recipientColumns} FROM ${recipientJoins}
    WHERE u.active AND (${text} = '' OR u.name ILIKE ${like} OR u.email ILIKE ${like})
    ORDER BY lower(u.name), u.id LIMIT ${limit}`.execute(q);
  return r.rows.map(toRecipient);
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

/** Notifications written per statement: 11 parameters each stays well under the protocol's 65,535. */
const INSERT_BATCH = 2000;

/**
 * Stores notifications, in the transaction of the change that caused them: one statement, or one
 * per INSERT_BATCH rows (a breach timer's batch can tell many supervisors about many cases).
 */
export async function insertNotifications(trx: Kysely<Database>, rows: readonly NewNotification[]): Promise<void> {
  for (let at = 0; at < rows.length; at += INSERT_BATCH) await insertSome(trx, rows.slice(at, at + INSERT_BATCH));
}

async function insertSome(trx: Kysely<Database>, rows: readonly NewNotification[]): Promise<void> {
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
  return (await notifiedCases(q, [caseId])).get(caseId);
}

/** notifiedCase for several cases in one statement, by case id. */
export async function notifiedCases(q: Kysely<Database>, caseIds: readonly string[]): Promise<Map<string, NotifiedCase>> {
  if (caseIds.length === 0) return new Map();
  const r = await sql<{
    id: string;
    type: string;
    status: string;
    team_id: string;
    owner_id: string | null;
    collaborator_ids: string[];
  }>`SELECT
      c.id::text AS id, c.type, c.status, c.team_id::text AS team_id, c.owner_id::text AS owner_id,
      array(SELECT cc.user_id::text FROM case_collaborators cc WHERE cc.case_id = c.id ORDER BY cc.user_id) AS collaborator_ids
    FROM cases c WHERE c.id = ANY(${[...caseIds]}::uuid[])`.execute(q);
  return new Map(
    r.rows.map((row) => [
      row.id,
      {
        type: row.type as NotifiedCase['type'],
        status: row.status as NotifiedCase['status'],
        teamId: row.team_id,
        ownerId: row.owner_id,
        collaboratorIds: row.collaborator_ids,
      },
    ]),
  );
}

/** Active users by (lower-cased) email address: who a note's mentions name. */
export async function usersByEmail(q: Kysely<Database>, emails: readonly string[]): Promise<string[]> {
  if (emails.length === 0) return [];
  const r = await sql<{ id: string }>`SELECT id::text AS id FROM users
    WHERE lower(email) = ANY(${[...emails]}::text[]) AND active`.execute(q);
  return r.rows.map((x) => x.id);
}

/** A notification as its email tells it: what, on which case (now), by whom, for whom. */
export type MailNotification = {
  id: string;
  userId: string;
  type: NotificationType;
  caseId: string;
  attempts: number;
  actorName: string | null;
  reference: string;
  subject: string;
  customerName: string | null;
  createdAt: Date;
};

type MailRow = {
  id: string;
  user_id: string;
  type: NotificationType;
  case_id: string;
  email_attempts: number;
  actor_name: string | null;
  reference: string;
  subject: string;
  customer_name: string | null;
  created_at: Date;
};

const toMail = (r: MailRow): MailNotification => ({
  id: r.id,
  userId: r.user_id,
  type: r.type,
  caseId: r.case_id,
  attempts: r.email_attempts,
  actorName: r.actor_name,
  reference: r.reference,
  subject: r.subject,
  customerName: r.customer_name,
  createdAt: new Date(r.created_at),
});

const mailColumns = sql`n.id::text AS id, n.user_id::text AS user_id, n.type, n.case_id::text AS case_id, n.email_attempts,
  a.name AS actor_name, k.reference, k.subject, cu.name AS customer_name, n.created_at`;
const mailJoins = sql`JOIN cases k ON k.id = n.case_id LEFT JOIN customers cu ON cu.id = k.customer_id LEFT JOIN users a ON a.id = n.actor_id`;

/**
 * Claims due single notification mails: rows are taken with SKIP LOCKED and leased (the next
 * attempt pushed out by `leaseMs`), so several processes never send one at once; a process that
 * dies mid-send leaves it to be retried after the lease.
 */
export async function claimDueMails(q: Kysely<Database>, now: Date, leaseMs: number, limit: number): Promise<MailNotification[]> {
  const r = await sql<MailRow>`WITH claimed AS (
      UPDATE notifications SET email_attempts = email_attempts + 1, next_attempt_at = ${new Date(now.getTime() + leaseMs)}
      WHERE id IN (SELECT id FROM notifications WHERE email_status = 'pending' AND next_attempt_at <= ${now}
                   ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING *)
    SELECT ${mailColumns} FROM claimed n ${mailJoins} ORDER BY n.id`.execute(q);
  return r.rows.map(toMail);
}

/** Records a single mail's outcome if this attempt still holds it (same attempt, still pending). */
export async function settleMail(
  q: Kysely<Database>,
  m: Pick<MailNotification, 'id' | 'attempts'>,
  outcome: { status: 'sent' | 'skipped' } | { retryAt: Date },
): Promise<boolean> {
  const r = await q
    .updateTable('notifications')
    .set('status' in outcome ? { email_status: outcome.status, next_attempt_at: null } : { next_attempt_at: outcome.retryAt })
    .where('id', '=', m.id)
    .where('email_attempts', '=', m.attempts)
    .where('email_status', '=', 'pending')
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Claims users whose digest is due (SKIP LOCKED, leased like single mails): their ids and attempt numbers. */
export async function claimDueDigests(
  q: Kysely<Database>,
  now: Date,
  leaseMs: number,
  limit: number,
): Promise<{ userId: string; attempts: number }[]> {
  const r = await sql<{ user_id: string; digest_attempts: number }>`UPDATE notification_settings
    SET digest_attempts = digest_attempts + 1, digest_due_at = ${new Date(now.getTime() + leaseMs)}
    WHERE user_id IN (SELECT user_id FROM notification_settings WHERE digest_due_at <= ${now}
                      ORDER BY digest_due_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING user_id::text AS user_id, digest_attempts`.execute(q);
  return r.rows.map((x) => ({ userId: x.user_id, attempts: x.digest_attempts }));
}

/**
 * A user's notifications waiting for their digest (created up to `until`), split by whether the
 * user may still see the case (`visible`: visibleTo, the SQL twin of canView, for this user).
 */
export async function waitingForDigest(
  q: Kysely<Database>,
  userId: string,
  until: Date,
  visible: RawBuilder<boolean>,
  limit = 200,
): Promise<(MailNotification & { visible: boolean })[]> {
  const r = await sql<
    MailRow & { visible: boolean }
  >`SELECT ${mailColumns}, (SELECT ${visible} FROM cases c WHERE c.id = n.case_id) AS visible
    FROM notifications n ${mailJoins}
    WHERE n.user_id = ${userId}::uuid AND n.email_status = 'digest' AND n.created_at <= ${until}
    ORDER BY n.id LIMIT ${limit}`.execute(q);
  return r.rows.map((x) => ({ ...toMail(x), visible: x.visible === true }));
}

/**
 * Settles a digest this attempt still holds: the sent and the no-longer-visible rows are marked,
 * and the next digest is due at `nextDueAt` if more wait (else none), or retried at `retryAt`.
 */
export async function settleDigest(
  trx: Kysely<Database>,
  d: { userId: string; attempts: number },
  outcome: { sent: string[]; skipped: string[]; nextDueAt: Date } | { retryAt: Date },
): Promise<void> {
  const held = await sql<{ n: number }>`SELECT 1 AS n FROM notification_settings
    WHERE user_id = ${d.userId}::uuid AND digest_attempts = ${d.attempts} FOR UPDATE`.execute(trx);
  if (held.rows.length === 0) return;
  if ('retryAt' in outcome) {
    await trx.updateTable('notification_settings').set({ digest_due_at: outcome.retryAt }).where('user_id', '=', d.userId).execute();
    return;
  }
  if (outcome.sent.length)
    await trx
      .updateTable('notifications')
      .set({ email_status: 'sent' })
      .where('id', 'in', outcome.sent)
      .where('email_status', '=', 'digest')
      .execute();
  if (outcome.skipped.length)
    await trx
      .updateTable('notifications')
      .set({ email_status: 'skipped' })
      .where('id', 'in', outcome.skipped)
      .where('email_status', '=', 'digest')
      .execute();
  await sql`UPDATE notification_settings SET
      digest_due_at = CASE WHEN EXISTS (SELECT 1 FROM notifications n WHERE n.user_id = ${d.userId}::uuid AND n.email_status = 'digest')
        THEN ${outcome.nextDueAt}::timestamptz END
    WHERE user_id = ${d.userId}::uuid`.execute(trx);
}
