import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/** Who may hear about a change: the teams and people the case belonged to before and after. */
export type Audience = { teamIds: string[]; userIds: string[] };

/** The channel on which committed changes are announced to every server process. */
export const EVENTS_CHANNEL = 'casework_events';

/** The live event that tells a user of a new notification (SPEC §11), to that user only. */
export const NOTIFICATION_CREATED = 'notification.created';

/** One user's new notification, as its live event carries it. */
export type NoticeRecipient = { userId: string; id: string; type: string; inApp: boolean; desktop: boolean };

/**
 * One committed change of a case, as announced on EVENTS_CHANNEL. A `notification.created` notice
 * names its `recipients` (each hears only their own, and only while they may see the case: the
 * audience is the case's after the change) and `mail` when some of them get an email.
 */
export type LiveNotice = {
  caseId: string;
  ids: string[];
  types: string[];
  audience: Audience;
  at: string;
  recipients?: NoticeRecipient[];
  mail?: true;
  /** A customer's details changed (CUSTOMER_UPDATED; `caseId` is empty). */
  customerId?: string;
  /** For the listed users only (their preferences, their access), never for everyone who sees all cases. */
  personal?: true;
  /** With ACCESS_CHANGED: every user's connections re-read their rights. */
  all?: true;
  /**
   * One part of a notice too large for one NOTIFY payload (noticeParts): the parts share `split`
   * and are numbered `part` of `parts`. A process tells each browser of the notice once, however
   * many of its parts would reach it.
   */
  split?: string;
  part?: number;
  parts?: number;
};

/**
 * PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more (and a refused NOTIFY inside a
 * transaction undoes it): every notice is sent in parts below this size (noticeParts).
 */
export const NOTICE_BYTES = 7_800;

const size = (n: unknown) => Buffer.byteLength(JSON.stringify(n));

/**
 * The notice as payloads that each fit a NOTIFY: itself when it fits, else parts that share its
 * event and divide its audience (teams, then people) or, for notifications, its recipients (each
 * part's audience keeps, of the case's people, only its own recipients: a recipient is judged as
 * by the whole notice). Every id of the whole is in exactly one part; `mail` rides on the first.
 * This is the one place where the payload limit is handled: every sender goes through it.
 */
export function noticeParts<N extends LiveNotice>(n: N, limit = NOTICE_BYTES): N[] {
  if (size(n) < limit) return [n];
  const split = randomUUID();
  const marks = { split, part: 99_999, parts: 99_999 };
  const parts: N[] = [];
  if (n.recipients) {
    const { mail: _mail, ...rest } = n;
    const shell = {
      ...rest,
      ...marks,
      recipients: [] as NoticeRecipient[],
      audience: { teamIds: n.audience.teamIds, userIds: [] as string[] },
    };
    const room = limit - size({ ...shell, mail: true });
    const people = new Set(n.audience.userIds);
    let part: NoticeRecipient[] = [];
    let used = 0;
    const flush = () => {
      const users = new Set(part.map((r) => r.userId));
      parts.push({
        ...shell,
        ...(n.mail && parts.length === 0 ? { mail: true as const } : {}),
        recipients: part,
        audience: { teamIds: n.audience.teamIds, userIds: [...users].filter((u) => people.has(u)) },
      } as unknown as N);
      part = [];
      used = 0;
    };
    for (const r of n.recipients) {
      const cost = size(r) + 1 + (people.has(r.userId) ? size(r.userId) + 1 : 0);
      if (part.length > 0 && used + cost > room) flush();
      part.push(r);
      used += cost;
    }
    if (part.length > 0 || parts.length === 0) flush();
  } else {
    const shell = { ...n, ...marks, audience: { teamIds: [] as string[], userIds: [] as string[] } };
    const room = limit - size(shell);
    let audience: Audience = { teamIds: [], userIds: [] };
    let used = 0;
    const flush = () => {
      parts.push({ ...shell, ...(n.mail && parts.length > 0 ? { mail: undefined } : {}), audience } as N);
      audience = { teamIds: [], userIds: [] };
      used = 0;
    };
    for (const list of ['teamIds', 'userIds'] as const) {
      for (const id of n.audience[list]) {
        const cost = size(id) + 1;
        if (used > 0 && used + cost > room) flush();
        audience[list].push(id);
        used += cost;
      }
    }
    flush();
  }
  return parts.map((p, i) => ({ ...p, split, part: i, parts: parts.length }));
}

/** Sends notices now, on the database connection or open transaction given: every part in one statement. */
export async function sendNotices(db: Kysely<Database>, notices: LiveNotice[]): Promise<void> {
  const payloads = notices.flatMap((n) => noticeParts(n)).map((n) => JSON.stringify(n));
  if (payloads.length === 1) await sql`SELECT pg_notify(${EVENTS_CHANNEL}, ${payloads[0]})`.execute(db);
  else if (payloads.length > 1)
    await sql`SELECT pg_notify(${EVENTS_CHANNEL}, p) FROM unnest(${payloads}::text[]) WITH ORDINALITY AS u(p, n) ORDER BY n`.execute(db);
}

/** The live event that tells who may see a customer (canViewCustomer) that their name, email or phone changed. */
export const CUSTOMER_UPDATED = 'customer.updated';

export function dedupe(a: Audience): Audience {
  return { teamIds: [...new Set(a.teamIds)], userIds: [...new Set(a.userIds.filter(Boolean))] };
}

/** Teams and people a case's change concerns (owner, collaborators, team), before and after. */
export function audienceOf(...states: { teamId: string; ownerId: string | null; collaboratorIds: readonly string[] }[]): Audience {
  return {
    teamIds: states.map((s) => s.teamId),
    userIds: states.flatMap((s) => [...(s.ownerId ? [s.ownerId] : []), ...s.collaboratorIds]),
  };
}
