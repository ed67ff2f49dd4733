import type { Actor, CaseFacts } from './types.ts';
import type { DomainEvent } from './lifecycle.ts';
import { canView } from './permissions.ts';
import { localParts, zonedTimeToInstant } from './time.ts';

/** What a user is told about (SPEC §11). */
export const NOTIFICATION_TYPES = [
  'case.assigned',
  'case.customer_replied',
  'case.mentioned',
  'case.woke',
  'case.follow_activity',
  'case.sla_breached',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** How a user is told: the bell, an email, a desktop notification of the open app. */
export const NOTIFICATION_MEDIA = ['inApp', 'email', 'desktop'] as const;
export type NotificationMedium = (typeof NOTIFICATION_MEDIA)[number];
export type NotificationMedia = Record<NotificationMedium, boolean>;

/** Email per notification (`off`) or one digest mail per hour or day. */
export const EMAIL_DIGESTS = ['off', 'hourly', 'daily'] as const;
export type EmailDigest = (typeof EMAIL_DIGESTS)[number];

export type NotificationSettings = { types: Record<NotificationType, NotificationMedia>; emailDigest: EmailDigest };

/** A stored user's choices, as far as they made any: missing types and media take the defaults. */
export type StoredNotificationSettings = {
  types?: Partial<Record<string, Partial<Record<string, boolean>>>>;
  emailDigest?: string;
};

/**
 * The defaults: everything in the bell; mail and desktop for what is the user's own work (given
 * to them, their customer wrote, named in a note, their case woke); activity on followed cases
 * only in the bell, as it can be a lot.
 */
export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  types: {
    'case.assigned': { inApp: true, email: true, desktop: true },
    'case.customer_replied': { inApp: true, email: true, desktop: true },
    'case.mentioned': { inApp: true, email: true, desktop: true },
    'case.woke': { inApp: true, email: true, desktop: true },
    'case.follow_activity': { inApp: true, email: false, desktop: false },
    'case.sla_breached': { inApp: true, email: true, desktop: true },
  },
  emailDigest: 'off',
};

/** A user's settings: their stored choices over the defaults (anything unknown in storage is ignored). */
export function notificationSettingsOf(stored: StoredNotificationSettings | null | undefined): NotificationSettings {
  const types = {} as Record<NotificationType, NotificationMedia>;
  for (const t of NOTIFICATION_TYPES) {
    const own = stored?.types?.[t] ?? {};
    const media = { ...DEFAULT_NOTIFICATION_SETTINGS.types[t] };
    for (const m of NOTIFICATION_MEDIA) if (typeof own[m] === 'boolean') media[m] = own[m];
    types[t] = media;
  }
  const digest = (EMAIL_DIGESTS as readonly string[]).includes(stored?.emailDigest ?? '')
    ? (stored!.emailDigest as EmailDigest)
    : DEFAULT_NOTIFICATION_SETTINGS.emailDigest;
  return { types, emailDigest: digest };
}

export type FieldComplaint = { field: string; message: string };

/**
 * Checks settings as a user sends them (every key known, every medium a boolean) and merges them
 * over `current`: a type or medium left out keeps its value. Unknown types and media are named.
 */
export function updateNotificationSettings(
  current: NotificationSettings,
  input: { types?: Record<string, unknown>; emailDigest?: unknown },
): { ok: true; settings: NotificationSettings } | { ok: false; errors: FieldComplaint[] } {
  const errors: FieldComplaint[] = [];
  const next: NotificationSettings = {
    types: Object.fromEntries(NOTIFICATION_TYPES.map((t) => [t, { ...current.types[t] }])) as NotificationSettings['types'],
    emailDigest: current.emailDigest,
  };
  for (const [type, media] of Object.entries(input.types ?? {})) {
    if (!(NOTIFICATION_TYPES as readonly string[]).includes(type)) {
      errors.push({ field: `types.${type}`, message: `unknown notification type (one of ${NOTIFICATION_TYPES.join(', ')})` });
      continue;
    }
    if (typeof media !== 'object' || media === null || Array.isArray(media)) {
      errors.push({ field: `types.${type}`, message: 'must be an object of media' });
      continue;
    }
    for (const [medium, on] of Object.entries(media)) {
      if (!(NOTIFICATION_MEDIA as readonly string[]).includes(medium)) {
        errors.push({ field: `types.${type}.${medium}`, message: `unknown medium (one of ${NOTIFICATION_MEDIA.join(', ')})` });
      } else if (typeof on !== 'boolean') {
        errors.push({ field: `types.${type}.${medium}`, message: 'must be true or false' });
      } else next.types[type as NotificationType][medium as NotificationMedium] = on;
    }
  }
  if (input.emailDigest !== undefined) {
    if (typeof input.emailDigest === 'string' && (EMAIL_DIGESTS as readonly string[]).includes(input.emailDigest)) {
      next.emailDigest = input.emailDigest as EmailDigest;
    } else errors.push({ field: 'emailDigest', message: `must be one of ${EMAIL_DIGESTS.join(', ')}` });
  }
  return errors.length ? { ok: false, errors } : { ok: true, settings: next };
}

/** The case as it is after the change (who owns and follows it, whose team it is on). */
export type NotifiedCase = Pick<CaseFacts, 'type' | 'status' | 'teamId' | 'ownerId' | 'collaboratorIds'>;

/** One change of a case: its history events, who made it (null: a customer or a timer), the case after it. */
export type CaseChange = { case: NotifiedCase; actorId: string | null; events: readonly DomainEvent[] };

export type PlannedNotification = { userId: string; type: NotificationType };

/**
 * Which history events can notify anyone: a change without them needs no look at the case.
 * A claim (`case.claimed` and its status change, reason `claimed`) notifies nobody: the claimer
 * acts for themself, and an agent taking a case from the queue is routine, not news for followers.
 */
export const NOTIFYING_EVENTS: readonly string[] = [
  'case.created',
  'case.assigned',
  'case.message_created',
  'case.status_changed',
  'case.sla_breached',
];

// When one change gives a user several reasons, they hear the most specific one.
const RANK: Record<NotificationType, number> = {
  'case.mentioned': 0,
  'case.assigned': 1,
  'case.customer_replied': 2,
  'case.woke': 3,
  'case.follow_activity': 4,
  'case.sla_breached': 1,
};

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * Who is told what about one change, before visibility and settings (see `deliverableTo`):
 * - `case.assigned`: the new owner, when someone else assigned the case (or created it for them);
 * - `case.customer_replied`: the owner, on a customer's message;
 * - `case.mentioned`: each user an internal note mentions;
 * - `case.woke`: the owner, when their waiting case woke (its time came, or someone woke it);
 * - `case.follow_activity`: the followers, on a status change (not a claim) or a new message;
 * - `case.sla_breached`: on a breached SLA target (SPEC §12), the owner, or when nobody owns the case
 *   the team's supervisors the event names (`supervisorIds`), and the followers.
 * A customer's message on a spam case tells nobody.
 * Never the actor; one notification per user per change (the most specific reason).
 */
export function planNotifications(change: CaseChange): PlannedNotification[] {
  const c = change.case;
  const found = new Map<string, NotificationType>();
  const add = (userId: string | null, type: NotificationType) => {
    if (!userId || userId === change.actorId) return;
    const had = found.get(userId);
    if (had === undefined || RANK[type] < RANK[had]) found.set(userId, type);
  };
  const followers = (type: NotificationType) => {
    for (const id of c.collaboratorIds) add(id, type);
  };
  for (const e of change.events) {
    if (e.type === 'case.assigned') add(str(e.data.to), 'case.assigned');
    else if (e.type === 'case.created') add(str(e.data.ownerId), 'case.assigned');
    else if (e.type === 'case.message_created') {
      // More mail in a spam conversation is nobody's news (SPEC §13).
      if (c.status === 'spam' && e.data.direction === 'inbound') continue;
      if (e.data.direction === 'inbound') add(c.ownerId, 'case.customer_replied');
      if (e.data.internal === true && Array.isArray(e.data.mentionedUserIds)) {
        for (const id of e.data.mentionedUserIds) add(str(id), 'case.mentioned');
      }
      followers('case.follow_activity');
    } else if (e.type === 'case.status_changed' && e.data.reason !== 'claimed') {
      if (e.data.from === 'waiting' && (e.data.reason === 'woken' || e.data.reason === 'wake_time_reached')) add(c.ownerId, 'case.woke');
      followers('case.follow_activity');
    } else if (e.type === 'case.sla_breached') {
      if (c.ownerId) add(c.ownerId, 'case.sla_breached');
      else if (Array.isArray(e.data.supervisorIds)) for (const id of e.data.supervisorIds) add(str(id), 'case.sla_breached');
      followers('case.sla_breached');
    }
  }
  return [...found].map(([userId, type]) => ({ userId, type }));
}

/**
 * How a planned notification reaches a user: not at all when they may not see the case (or are
 * gone), else by the media their settings choose for its type (null when none).
 */
export function deliverableTo(
  user: Actor | undefined,
  settings: NotificationSettings,
  c: NotifiedCase,
  type: NotificationType,
): NotificationMedia | null {
  if (!user || !canView(user, c)) return null;
  const media = settings.types[type];
  return media.inApp || media.email || media.desktop ? media : null;
}

/** The line a notification shows: what happened, on which case, by whom. */
export function notificationSummary(
  type: NotificationType,
  x: { actorName: string | null; reference: string; subject: string; customerName?: string | null },
): string {
  const who = x.actorName ?? 'Someone';
  const on = `#${x.reference} ${x.subject}`;
  switch (type) {
    case 'case.assigned':
      return x.actorName ? `${who} assigned you ${on}` : `You were assigned ${on}`;
    case 'case.customer_replied':
      return `${x.customerName || 'The customer'} wrote on ${on}`;
    case 'case.mentioned':
      return `${who} mentioned you on ${on}`;
    case 'case.woke':
      return x.actorName ? `${who} woke ${on}` : `${on} woke up: its waiting time is over`;
    case 'case.follow_activity':
      return x.actorName ? `${who} updated ${on}, which you follow` : `New activity on ${on}, which you follow`;
    case 'case.sla_breached':
      return `${on} missed a service-level target`;
  }
}

/**
 * Mentions in a note: `@` followed by a user's email address (SPEC §11), at the start or after a
 * character that cannot end an address. Lower-cased, each once, in order of appearance.
 */
export function mentionedEmails(body: string): string[] {
  const found: string[] = [];
  for (const m of body.matchAll(MENTION)) {
    const email = m[2]!.replace(/\.+$/, '').toLowerCase();
    if (!found.includes(email)) found.push(email);
  }
  return found;
}

/** The mention pattern: group 2 is the address. Also used to render mentions. */
export const MENTION = /(^|[^A-Za-z0-9._%+@-])@([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)/g;

/**
 * When a digest mail is due, given when its first notification came: the next full hour, or the
 * next 08:00 in the user's zone for a daily digest.
 */
export function nextDigestAt(digest: Exclude<EmailDigest, 'off'>, now: Date, zone: string): Date {
  if (digest === 'hourly') return new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 + 3_600_000);
  const p = localParts(now, zone);
  const today = zonedTimeToInstant(p.year, p.month, p.day, 8, 0, zone);
  if (today.getTime() > now.getTime()) return today;
  const tomorrow = new Date(Date.UTC(p.year, p.month - 1, p.day + 1));
  return zonedTimeToInstant(tomorrow.getUTCFullYear(), tomorrow.getUTCMonth() + 1, tomorrow.getUTCDate(), 8, 0, zone);
}
