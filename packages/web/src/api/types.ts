export type CaseType = 'web_connect' | 'support_sdk' | 'phone' | 'email' | 'sms' | 'platform';
export type CaseStatus = 'new' | 'ready' | 'waiting' | 'resolved' | 'closed' | 'canceled';
export type Resolution = 'completed' | 'unresolved' | 'canceled';
export type CaseAction =
  | 'claim'
  | 'assign'
  | 'unassign'
  | 'set_waiting'
  | 'wake'
  | 'resolve'
  | 'cancel'
  | 'reopen'
  | 'follow'
  | 'unfollow'
  | 'open_chat'
  | 'message';

export type Customer = {
  id?: string;
  name: string | null;
  email: string | null;
  phone: string | null;
};

export type Case = {
  id: string;
  reference: string;
  subject: string;
  description?: string | null;
  type: CaseType;
  status: CaseStatus;
  resolution: Resolution | null;
  /** `abandoned`: a chat the customer ended before any agent replied. */
  resolutionReason?: 'abandoned' | null;
  teamId: string;
  teamName?: string | null;
  ownerId: string | null;
  ownerName?: string | null;
  collaboratorIds: string[];
  customer: Customer | null;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  wakeAt: string | null;
  followUpOf?: string | null;
  rating?: { stars: number; note?: string | null } | null;
  actions: CaseAction[];
};

export type Me = {
  id: string;
  email: string;
  name: string;
  role: string;
  permissions: string[];
  /** The zone in effect (the user's own, else the organisation's). */
  timeZone: string | null;
  /** The user's own setting, null when following the organisation (newer servers send it). */
  ownTimeZone?: string | null;
  teamIds: string[];
};

export type SectionKey = 'active_chats' | 'ready' | 'waiting' | 'solved_today' | 'following';

export type WorkSection = {
  key: SectionKey;
  title: string;
  count: number;
  collapsed: boolean;
  cases: Case[];
  nextCursor: string | null;
};

export type Work = {
  next: { case: Case; reason: string } | null;
  unassignedCount: number;
  capacityReached?: boolean;
  sections: WorkSection[];
};

export type SectionPage = {
  key: SectionKey;
  count: number;
  cases: Case[];
  nextCursor: string | null;
};

/** `total` is exact unless `totalCapped`: then more than `total` cases match (an organisation-wide count stops there). */
export type CaseList = { cases: Case[]; total: number; totalCapped?: boolean; nextCursor: string | null };

/** A file that came with a message; `url` is null when it was over the size limit and not kept. */
export type Attachment = { id: string; filename: string | null; contentType: string; size: number; url: string | null };

export type Message = {
  id: string;
  body: string;
  internal: boolean;
  direction: 'inbound' | 'outbound' | 'note';
  channel: string | null;
  authorId?: string | null;
  createdAt: string;
  attachments?: Attachment[];
  /** Outbound messages only (null for customer messages, notes and imported history). */
  delivery?: Delivery | null;
};

export type DeliveryState = 'queued' | 'sent' | 'delivered' | 'failed';

/** Where a reply to the customer stands (SPEC §15). */
export type Delivery = {
  state: DeliveryState;
  attempts: number;
  lastError?: string;
  at: string;
  nextAttemptAt?: string;
};

export type CaseEvent = {
  id: string;
  type: string;
  actorId?: string | null;
  data: Record<string, unknown> | null;
  createdAt: string;
};

export type User = {
  id: string;
  name: string;
  email: string;
  role: string;
  timeZone: string | null;
  teamIds: string[];
  active: boolean;
};

export type Team = { id: string; name: string; memberIds: string[] };

export type Role = { id: string; name: string; permissions: string[]; builtin: boolean };

export type Permission = { key: string; description: string };

export type ApiToken = {
  id: string;
  name: string;
  userId: string;
  channelId: string | null;
  createdAt: string;
  lastUsedAt: string | null;
};

export type Organisation = {
  name: string;
  timeZone: string;
  autoCloseDays: number;
  maxOpenPerUser: number | null;
};
