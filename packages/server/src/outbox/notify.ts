import type { Kysely } from 'kysely';
import { deliverableTo, nextDigestAt, NOTIFYING_EVENTS, planNotifications, type DomainEvent, type NotifiedCase } from '@casework/domain';
import type { Database } from '../db/schema.ts';
import type { StoredEvent } from '../db/repos/case-events.ts';
import { findRecipients, insertNotifications, notifiedCase, scheduleDigests, type NewNotification } from '../db/repos/notifications.ts';
import { uuidv7 } from '../ids.ts';
import { NOTIFICATION_CREATED, type LiveNotice } from './notices.ts';

type ChangeToNotify = { caseId: string; actorId: string | null; events: DomainEvent[]; at: Date; after?: NotifiedCase };

/**
 * The notifications changes of cases cause (SPEC §11), written in their transaction: the
 * domain plans who is told what (never the actor), each recipient must be an active user who may
 * see the case (the domain's canView) and wants some medium for that type. `told` holds the users
 * already told about this case in this transaction (one change can append history twice, e.g. a
 * customer's message that wakes a case). Several changes (the breach timer's batch) have their
 * recipients read once and their notifications written in one statement. Returns the live notices
 * to announce after commit.
 */
export async function notifyOfChanges(
  trx: Kysely<Database>,
  changes: readonly (ChangeToNotify & { stored: StoredEvent[] })[],
  told: Set<string>,
): Promise<LiveNotice[]> {
  const plans: {
    change: ChangeToNotify & { stored: StoredEvent[] };
    after: NotifiedCase;
    planned: ReturnType<typeof planNotifications>;
  }[] = [];
  for (const change of changes) {
    if (!change.events.some((e) => NOTIFYING_EVENTS.includes(e.type))) continue;
    const after = change.after ?? (await notifiedCase(trx, change.caseId));
    if (!after) continue;
    const planned = planNotifications({ case: after, actorId: change.actorId, events: change.events }).filter(
      (p) => !told.has(`${change.caseId}:${p.userId}`),
    );
    if (planned.length) plans.push({ change, after, planned });
  }
  if (plans.length === 0) return [];
  const recipients = await findRecipients(trx, [...new Set(plans.flatMap((x) => x.planned.map((p) => p.userId)))]);
  const rows: NewNotification[] = [];
  const digests = new Map<string, Date>();
  const notices: LiveNotice[] = [];
  for (const { change, after, planned } of plans) {
    const mine: NewNotification[] = [];
    for (const p of planned) {
      const user = recipients.get(p.userId);
      const media = user && deliverableTo(user, user.settings, after, p.type);
      if (!user || !media) continue;
      told.add(`${change.caseId}:${p.userId}`);
      const digest = user.settings.emailDigest;
      const emailStatus = !media.email ? 'none' : digest === 'off' ? 'pending' : 'digest';
      if (emailStatus === 'digest' && digest !== 'off') {
        const at = nextDigestAt(digest, change.at, user.timeZone);
        const earlier = digests.get(user.id);
        if (!earlier || at < earlier) digests.set(user.id, at);
      }
      mine.push({
        id: uuidv7(change.at.getTime()),
        userId: user.id,
        type: p.type,
        caseId: change.caseId,
        eventId: change.stored[0]!.id,
        actorId: change.actorId,
        inApp: media.inApp,
        desktop: media.desktop,
        emailStatus,
        createdAt: change.at,
      });
    }
    if (mine.length === 0) continue;
    rows.push(...mine);
    notices.push(
      ...notificationNotices(
        change.caseId,
        after,
        mine.filter((r) => r.inApp || r.desktop),
        mine.some((r) => r.emailStatus === 'pending'),
        change.at,
      ),
    );
  }
  await insertNotifications(trx, rows);
  await scheduleDigests(
    trx,
    [...digests].map(([userId, at]) => ({ userId, at })),
  );
  return notices;
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
