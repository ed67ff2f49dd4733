import type { Kysely } from 'kysely';
import { deliverableTo, nextDigestAt, NOTIFYING_EVENTS, planNotifications, type DomainEvent, type NotifiedCase } from '@casework/domain';
import type { Database } from '../db/schema.ts';
import type { StoredEvent } from '../db/repos/case-events.ts';
import { findRecipients, insertNotifications, notifiedCase, scheduleDigests, type NewNotification } from '../db/repos/notifications.ts';
import { uuidv7 } from '../ids.ts';
import { NOTIFICATION_CREATED, type LiveNotice } from './notices.ts';

/**
 * The notifications one change of a case causes (SPEC §11), written in its transaction: the
 * domain plans who is told what (never the actor), each recipient must be an active user who may
 * see the case (the domain's canView) and wants some medium for that type. `told` holds the users
 * already told about this case in this transaction (one change can append history twice, e.g. a
 * customer's message that wakes a case). Returns the live notices to announce after commit.
 */
export async function notifyOfChange(
  trx: Kysely<Database>,
  input: { caseId: string; actorId: string | null; events: DomainEvent[]; at: Date; after?: NotifiedCase },
  stored: StoredEvent[],
  told: Set<string>,
): Promise<LiveNotice[]> {
  if (!input.events.some((e) => NOTIFYING_EVENTS.includes(e.type))) return [];
  const after = input.after ?? (await notifiedCase(trx, input.caseId));
  if (!after) return [];
  const planned = planNotifications({ case: after, actorId: input.actorId, events: input.events }).filter(
    (p) => !told.has(`${input.caseId}:${p.userId}`),
  );
  if (planned.length === 0) return [];
  const recipients = await findRecipients(
    trx,
    planned.map((p) => p.userId),
  );
  const rows: NewNotification[] = [];
  const digests: { userId: string; at: Date }[] = [];
  for (const p of planned) {
    const user = recipients.get(p.userId);
    const media = user && deliverableTo(user, user.settings, after, p.type);
    if (!user || !media) continue;
    told.add(`${input.caseId}:${p.userId}`);
    const digest = user.settings.emailDigest;
    const emailStatus = !media.email ? 'none' : digest === 'off' ? 'pending' : 'digest';
    if (emailStatus === 'digest' && digest !== 'off') digests.push({ userId: user.id, at: nextDigestAt(digest, input.at, user.timeZone) });
    rows.push({
      id: uuidv7(input.at.getTime()),
      userId: user.id,
      type: p.type,
      caseId: input.caseId,
      eventId: stored[0]!.id,
      actorId: input.actorId,
      inApp: media.inApp,
      desktop: media.desktop,
      emailStatus,
      createdAt: input.at,
    });
  }
  if (rows.length === 0) return [];
  await insertNotifications(trx, rows);
  await scheduleDigests(trx, digests);
  const live = rows.filter((r) => r.inApp || r.desktop);
  const mail = rows.some((r) => r.emailStatus === 'pending');
  return notificationNotices(input.caseId, after, live, mail, input.at);
}

/**
 * The live notice of a change's new notifications: it names its recipients and the case's
 * audience after the change (each process delivers only while the user may still see the case).
 * Of the case's people, the audience keeps only the recipients: each is judged as by the whole
 * audience, and a large notice divides into parts that each judge their own recipients alike
 * (noticeParts). `mail` says some got an email.
 */
export function notificationNotices(
  caseId: string,
  after: Pick<NotifiedCase, 'teamId' | 'ownerId' | 'collaboratorIds'>,
  live: Pick<NewNotification, 'id' | 'userId' | 'type' | 'inApp' | 'desktop'>[],
  mail: boolean,
  at: Date,
): LiveNotice[] {
  if (live.length === 0 && !mail) return [];
  const people = new Set([...(after.ownerId ? [after.ownerId] : []), ...after.collaboratorIds]);
  return [
    {
      caseId,
      ids: [''],
      types: [NOTIFICATION_CREATED],
      audience: { teamIds: [after.teamId], userIds: [...new Set(live.map((r) => r.userId))].filter((u) => people.has(u)) },
      at: at.toISOString(),
      recipients: live.map((r) => ({ userId: r.userId, id: r.id, type: r.type, inApp: r.inApp, desktop: r.desktop })),
      ...(mail ? { mail: true as const } : {}),
    },
  ];
}
