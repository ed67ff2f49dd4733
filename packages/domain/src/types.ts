/** Channels a case can come from, in routing order (rank 1 is served first). */
export const CASE_TYPES = ['web_connect', 'support_sdk', 'phone', 'email', 'sms', 'platform'] as const;
export type CaseType = (typeof CASE_TYPES)[number];

/** `spam` (SPEC §13): not open, never queued, listed only when asked for by name, deleted after the retention period. */
export const STATUSES = ['new', 'ready', 'waiting', 'resolved', 'closed', 'canceled', 'spam'] as const;
export type Status = (typeof STATUSES)[number];

export const RESOLUTIONS = ['completed', 'unresolved', 'canceled'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/**
 * Why a case ended as it did, where the resolution alone does not say: `abandoned` is a chat the
 * customer ended before any agent replied (resolution `unresolved`; never counted as solved).
 */
export const RESOLUTION_REASONS = ['abandoned'] as const;
export type ResolutionReason = (typeof RESOLUTION_REASONS)[number];

/** Rank used by the Next Unassigned rule: web chat first, API cases last. */
export const TYPE_RANK = {
  web_connect: 1,
  support_sdk: 2,
  phone: 3,
  email: 4,
  sms: 5,
  platform: 6,
} as const satisfies Record<CaseType, number>;

/** Case types (channels) as people name them: in the next-case reason and everywhere in the web app. */
export const TYPE_LABEL = {
  web_connect: 'Web chat',
  support_sdk: 'In-app chat',
  phone: 'Phone',
  email: 'Email',
  sms: 'SMS',
  platform: 'Platform',
} as const satisfies Record<CaseType, string>;

/** The chat types: a chat case is served live by an agent (web widget or app SDK). */
export const CHAT_TYPES = ['web_connect', 'support_sdk'] as const satisfies readonly CaseType[];

/** A chat case is served live by an agent (web widget or app SDK). */
export function isChatType(type: CaseType): boolean {
  return (CHAT_TYPES as readonly CaseType[]).includes(type);
}

/** "Open" statuses: the case still needs work. */
export const OPEN_STATUSES = ['new', 'ready', 'waiting'] as const satisfies readonly Status[];

/** "Open" statuses: the case still needs work. */
export function isOpen(status: Status): boolean {
  return (OPEN_STATUSES as readonly Status[]).includes(status);
}

/**
 * Statuses a list shows only when its status filter names them (SPEC §13: spam is never listed
 * otherwise). The Cases list, its total, search and export apply it (db/sql-rules.ts `listedStatus`).
 */
export const UNLISTED_STATUSES = ['spam'] as const satisfies readonly Status[];

/** Whether a case of this status is in a list whose filter names no status. */
export function listedByDefault(status: Status): boolean {
  return !(UNLISTED_STATUSES as readonly Status[]).includes(status);
}

/** Whether a spam case is due for deletion: `days` whole 24-hour days after it became spam. */
export function spamExpired(spamAt: Date, days: number, now: Date): boolean {
  return spamAt.getTime() + days * 86_400_000 <= now.getTime();
}

export function isCaseType(v: unknown): v is CaseType {
  return typeof v === 'string' && (CASE_TYPES as readonly string[]).includes(v);
}

export function isStatus(v: unknown): v is Status {
  return typeof v === 'string' && (STATUSES as readonly string[]).includes(v);
}

/** The facts of a case the rules look at. Times are Date instants. */
export type CaseFacts = {
  id: string;
  type: CaseType;
  status: Status;
  resolution: Resolution | null;
  resolutionReason: ResolutionReason | null;
  teamId: string;
  ownerId: string | null;
  collaboratorIds: readonly string[];
  createdAt: Date;
  resolvedAt: Date | null;
  wakeAt: Date | null;
};

/** The acting user as the rules see them. */
export type Actor = {
  id: string;
  permissions: ReadonlySet<string>;
  teamIds: readonly string[];
  timeZone: string;
};
