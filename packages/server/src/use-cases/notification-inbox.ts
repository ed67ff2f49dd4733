import { sql } from 'kysely';
import { nextDigestAt, notificationSettingsOf, updateNotificationSettings, type NotificationSettings } from '@casework/domain';
import type { Deps } from '../deps.ts';
import type { AppUser } from '../auth/actor.ts';
import { invalid } from '../errors.ts';
import { notifyUser } from '../realtime/hub.ts';
import { findNotificationSettings } from '../db/repos/notification-list.ts';

/** Personal live event: the user read notifications (their other tabs refetch the bell). */
export const NOTIFICATIONS_READ = 'notification.read';

/**
 * Marks the user's own notifications read (`ids`; ids of someone else's or unknown ones are
 * ignored) or all of them; tells the user's other pages. Returns how many changed.
 */
export async function markNotificationsRead(deps: Deps, actor: AppUser, which: { ids: string[] } | { all: true }): Promise<number> {
  const now = deps.clock.now();
  let q = deps.db.kysely
    .updateTable('notifications')
    .set({ read_at: now })
    .where('user_id', '=', actor.id)
    .where('in_app', '=', true)
    .where('read_at', 'is', null);
  if ('ids' in which) {
    if (which.ids.length === 0) return 0;
    q = q.where('id', 'in', which.ids);
  }
  const r = await q.executeTakeFirst();
  const n = Number(r.numUpdatedRows);
  if (n > 0) await notifyUser(deps.db, actor.id, NOTIFICATIONS_READ, now);
  return n;
}

/** The user's settings: their choices over the defaults. */
export async function notificationSettingsFor(deps: Pick<Deps, 'db'>, userId: string): Promise<NotificationSettings> {
  const stored = await findNotificationSettings(deps.db.kysely, userId);
  return notificationSettingsOf(stored && { ...(stored.settings as object), emailDigest: stored.emailDigest });
}

/**
 * Changes the user's settings (types and media not named keep their value; unknown ones are a
 * 400 naming them). Turning the digest off sends what waited for it one mail each.
 */
export async function saveNotificationSettings(
  deps: Deps,
  actor: AppUser,
  input: { types?: Record<string, unknown>; emailDigest?: unknown },
): Promise<NotificationSettings> {
  const now = deps.clock.now();
  const saved = await deps.db.kysely.transaction().execute(async (trx) => {
    await sql`SELECT 1 FROM users WHERE id = ${actor.id}::uuid FOR UPDATE`.execute(trx);
    const stored = await findNotificationSettings(trx, actor.id);
    const current = notificationSettingsOf(stored && { ...(stored.settings as object), emailDigest: stored.emailDigest });
    const r = updateNotificationSettings(current, input);
    if (!r.ok) throw invalid(r.errors);
    const s = r.settings;
    const json = JSON.stringify({ types: s.types });
    await trx
      .insertInto('notification_settings')
      .values({ user_id: actor.id, settings: json, email_digest: s.emailDigest, updated_at: now })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ settings: json, email_digest: s.emailDigest, updated_at: now }))
      .execute();
    if (s.emailDigest === 'off') {
      await trx
        .updateTable('notifications')
        .set({ email_status: 'pending', next_attempt_at: now })
        .where('user_id', '=', actor.id)
        .where('email_status', '=', 'digest')
        .execute();
      await trx.updateTable('notification_settings').set({ digest_due_at: null }).where('user_id', '=', actor.id).execute();
    } else if (s.emailDigest !== current.emailDigest) {
      // From hourly to daily or back: what waits goes out at the new digest's time.
      await trx
        .updateTable('notification_settings')
        .set({ digest_due_at: nextDigestAt(s.emailDigest, now, actor.timeZone) })
        .where('user_id', '=', actor.id)
        .where('digest_due_at', 'is not', null)
        .execute();
    }
    return s;
  });
  if (saved.emailDigest === 'off') deps.outbound.kickNotifications(); // what waited for a digest goes out now
  return saved;
}
