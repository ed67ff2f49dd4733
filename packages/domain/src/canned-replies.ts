import type { Actor } from './types.ts';

/**
 * The placeholders a canned reply may hold (SPEC §11), each with what it stands for. A body is
 * checked against this list when it is saved, so an unknown placeholder never reaches a customer.
 */
export const PLACEHOLDERS = {
  'customer.name': "The customer's full name",
  'customer.firstName': "The customer's first name",
  'customer.email': "The customer's email address",
  'case.reference': "The case's reference",
  'case.subject': "The case's subject",
  'agent.name': 'Your full name',
  'agent.firstName': 'Your first name',
  'organisation.name': "The organisation's name",
} as const;
export type Placeholder = keyof typeof PLACEHOLDERS;
export const PLACEHOLDER_NAMES = Object.keys(PLACEHOLDERS) as Placeholder[];

/** A placeholder as written in a body: `{{customer.name}}`. */
export const placeholderToken = (p: Placeholder): string => `{{${p}}}`;

/** `{{ name }}`: spaces inside the braces are allowed; braces inside are not. */
const TOKEN = /\{\{\s*([^{}]*?)\s*\}\}/g;

const isPlaceholder = (name: string): name is Placeholder => Object.hasOwn(PLACEHOLDERS, name);

/** The placeholders of a body that are not known, as written (`{{foo}}`), each once, in order. */
export function unknownPlaceholders(body: string): string[] {
  const unknown: string[] = [];
  for (const m of body.matchAll(TOKEN)) {
    if (!isPlaceholder(m[1]!) && !unknown.includes(m[0])) unknown.push(m[0]);
  }
  return unknown;
}

/** What a canned reply is rendered from: the case, its customer (if any), the agent and the organisation. */
export type PlaceholderContext = {
  customer: { name: string | null; email: string | null } | null;
  case: { reference: string; subject: string };
  agent: { name: string };
  organisation: { name: string };
};

/** The first word of a name ("Ada Lovelace" → "Ada"); empty for a blank name. */
export const firstNameOf = (name: string | null | undefined): string => (name ?? '').trim().split(/\s+/)[0] ?? '';

const VALUES = {
  'customer.name': (c) => c.customer?.name?.trim() ?? '',
  'customer.firstName': (c) => firstNameOf(c.customer?.name),
  'customer.email': (c) => c.customer?.email ?? '',
  'case.reference': (c) => c.case.reference,
  'case.subject': (c) => c.case.subject,
  'agent.name': (c) => c.agent.name.trim(),
  'agent.firstName': (c) => firstNameOf(c.agent.name),
  'organisation.name': (c) => c.organisation.name,
} as const satisfies Record<Placeholder, (c: PlaceholderContext) => string>;

/**
 * Fills a body's placeholders for one case and agent. A value that is missing (a case without a
 * customer, a customer without a name) renders as nothing, and the space before it goes too when
 * punctuation or the line's end follows, so "Hi {{customer.firstName}}," reads "Hi," rather than
 * "Hi ,". Unknown placeholders (which saving refuses) are left as written.
 */
export function renderPlaceholders(body: string, context: PlaceholderContext): string {
  return body.replace(/( ?)\{\{\s*([^{}]*?)\s*\}\}(?=([\s\S]?))/g, (whole, space: string, name: string, next: string) => {
    if (!isPlaceholder(name)) return whole;
    const value = VALUES[name](context);
    if (value) return space + value;
    return next === '' || /^[\n\r,.;:!?)]$/.test(next) ? '' : space;
  });
}

/** Who may use a canned reply: its maker (personal), its team's members (team), everyone (organisation). */
export const CANNED_SCOPES = ['personal', 'team', 'organisation'] as const;
export type CannedScope = (typeof CANNED_SCOPES)[number];

/** A canned reply as its access rules see it: personal ones have an owner, team ones a team. */
export type CannedReplyFacts = { scope: CannedScope; ownerId: string | null; teamId: string | null };

type User = Pick<Actor, 'id' | 'permissions' | 'teamIds'>;

/** Whether the user writes replies at all (on any case): only then do canned replies concern them. */
export const mayReply = (user: Pick<Actor, 'permissions'>): boolean =>
  user.permissions.has('case.message') || user.permissions.has('case.message.team');

/**
 * Who may use (list, render, insert) a canned reply: someone who may reply, and it is their own,
 * their team's, or the organisation's. Anything else is answered as if it did not exist.
 */
export function canUseCannedReply(user: User, r: CannedReplyFacts): boolean {
  if (!mayReply(user)) return false;
  if (r.scope === 'personal') return r.ownerId === user.id;
  if (r.scope === 'team') return r.teamId !== null && user.teamIds.includes(r.teamId);
  return true;
}

/** Why the user may not keep a canned reply in this scope: a permission (403) or the team field (400). */
export type CannedScopeRefusal = { permission: 'case.message' | 'canned.team' | 'admin.canned' } | { field: 'teamId'; message: string };

/**
 * May the user create, or change into, or change or remove a canned reply of this scope? Personal
 * ones: anyone who may reply. Team ones: `canned.team` (supervisors and administrators) and a
 * member of that team, so nobody writes the words another team sends. Organisation ones:
 * `admin.canned`. Returns the refusal, or null. Whether a named team exists is the caller's.
 */
export function cannedScopeRefusal(user: User, target: Pick<CannedReplyFacts, 'scope' | 'teamId'>): CannedScopeRefusal | null {
  if (!mayReply(user)) return { permission: 'case.message' };
  if (target.scope !== 'team') {
    if (target.teamId !== null) return { field: 'teamId', message: `must be left out for a ${target.scope} reply` };
    return target.scope === 'organisation' && !user.permissions.has('admin.canned') ? { permission: 'admin.canned' } : null;
  }
  if (!user.permissions.has('canned.team')) return { permission: 'canned.team' };
  if (target.teamId === null) return { field: 'teamId', message: 'is required for a team reply' };
  if (!user.teamIds.includes(target.teamId)) return { field: 'teamId', message: 'names a team you are not a member of' };
  return null;
}

/** May the user change or remove this canned reply: they may use it, and keep replies of its scope (a personal one: only its owner). */
export function canEditCannedReply(user: User, r: CannedReplyFacts): boolean {
  return canUseCannedReply(user, r) && cannedScopeRefusal(user, r) === null;
}
