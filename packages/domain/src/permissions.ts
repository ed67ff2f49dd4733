import type { Actor, CaseFacts, Status } from './types.ts';
import { isChatType, isOpen } from './types.ts';

/** Every capability a role can grant. `.own` variants apply only to cases the user owns. */
export const PERMISSION_CATALOGUE = {
  'case.view_team': 'See the cases of your own teams',
  'case.view_all': 'See every case in the organisation',
  'case.create': 'Create cases by hand',
  'case.claim': 'Claim unowned cases of your teams',
  'case.assign': 'Assign cases to others and move them between teams',
  'case.unassign': 'Remove the owner of any case',
  'case.unassign.own': 'Give up cases you own',
  'case.set_waiting': 'Set any case to waiting and wake it',
  'case.set_waiting.own': 'Set cases you own to waiting and wake them',
  'case.resolve': 'Resolve and reopen any case',
  'case.resolve.own': 'Resolve and reopen cases you own',
  'case.cancel': 'Cancel cases',
  'case.spam': 'Mark any case as spam (optionally blocking its sender) and restore it',
  'case.spam.own': 'Mark cases you own as spam (optionally blocking their sender) and restore them',
  'case.follow': 'Follow cases you can see',
  'case.message': 'Reply and add notes on any case you can see',
  'case.message.team': "Reply and add notes on your own and your teams' cases",
  'case.edit': 'Edit any case you can see: subject, description, priority, tags, custom fields, customer',
  'case.edit.team': "Edit your own and your teams' cases: subject, description, priority, tags, custom fields, customer",
  'case.import': 'Import cases from another helpdesk',
  'customer.edit': 'Edit the contact details of customers you can see',
  'customer.merge': 'Merge two customers you can see into one',
  'canned.team': 'Manage the canned replies of your teams',
  'macro.team': 'Manage the macros of your teams',
  'admin.users': 'Manage users',
  'admin.teams': 'Manage teams and members',
  'admin.roles': 'Manage roles',
  'admin.channels': 'Manage channels and outbound webhooks',
  'admin.tokens': 'Manage API tokens of every user',
  'admin.views': 'Share saved views of the Cases list with teams, and change or remove shared views',
  'admin.fields': 'Define custom case fields',
  'report.view_team': "See reports of your teams' cases (of every team with case.view_all); without it, reports show your own work",
  'admin.canned': "Manage the organisation's canned replies (everyone's)",
  'admin.macros': "Manage the organisation's macros (everyone's)",
  'admin.sla': 'Define business-hours calendars and SLA policies',
} as const;
export type Permission = keyof typeof PERMISSION_CATALOGUE;
export const PERMISSIONS = Object.keys(PERMISSION_CATALOGUE) as Permission[];

export function isPermission(v: string): v is Permission {
  return Object.hasOwn(PERMISSION_CATALOGUE, v);
}

const ADMIN_ONLY: Permission[] = [
  'case.import',
  'admin.users',
  'admin.teams',
  'admin.roles',
  'admin.channels',
  'admin.tokens',
  'admin.fields',
  'admin.canned',
  'admin.macros',
  'admin.sla',
];
/** The agent's narrower copies of a supervisor's permission ("own and team cases"). */
const TEAM_SCOPED: Permission[] = ['case.message.team', 'case.edit.team'];
const SUPERVISOR: Permission[] = PERMISSIONS.filter((p) => !ADMIN_ONLY.includes(p) && !p.endsWith('.own') && !TEAM_SCOPED.includes(p));

/** The four built-in roles of SPEC §5. Admins can copy them or create others. */
export const BUILT_IN_ROLES = {
  admin: { name: 'Administrator', permissions: [...SUPERVISOR, ...ADMIN_ONLY] },
  supervisor: { name: 'Supervisor', permissions: SUPERVISOR },
  agent: {
    name: 'Agent',
    permissions: [
      'case.view_team',
      'case.create',
      'case.claim',
      'case.unassign.own',
      'case.set_waiting.own',
      'case.resolve.own',
      'case.spam.own',
      'case.follow',
      'case.message.team',
      'case.edit.team',
      'customer.edit',
    ],
  },
  viewer: { name: 'Viewer', permissions: ['case.view_team', 'case.follow', 'report.view_team'] },
} as const satisfies Record<string, { name: string; permissions: readonly Permission[] }>;
export type BuiltInRoleId = keyof typeof BUILT_IN_ROLES;

/** Actions that can appear in a case's menu (and that the API checks). */
export const CASE_ACTIONS = [
  'claim',
  'assign',
  'unassign',
  'set_waiting',
  'wake',
  'resolve',
  'cancel',
  'reopen',
  'spam',
  'not_spam',
  'follow',
  'unfollow',
  'open_chat',
  'message',
  'edit',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

type Subject = Pick<CaseFacts, 'type' | 'status' | 'teamId' | 'ownerId' | 'collaboratorIds'>;

/**
 * A user sees a case if they may see everything, or it belongs to one of their teams,
 * or they own or follow it. Everything else answers "not found".
 */
export function canView(user: Actor, c: Subject): boolean {
  if (seesEveryCase(user)) return true;
  if (seenTeams(user).includes(c.teamId)) return true;
  return c.ownerId === user.id || c.collaboratorIds.includes(user.id);
}

/** Whether the user sees every case of the organisation (canView's first clause). */
export const seesEveryCase = (user: Pick<Actor, 'permissions'>): boolean => user.permissions.has('case.view_all');

/** The teams whose every case the user sees by membership (canView's second clause): none without case.view_team. */
export const seenTeams = (user: Pick<Actor, 'permissions' | 'teamIds'>): readonly string[] =>
  user.permissions.has('case.view_team') ? user.teamIds : [];

const has = (user: Pick<Actor, 'permissions'>, p: Permission) => user.permissions.has(p);
const anyOrOwn = (user: Actor, c: Subject, any: Permission, own: Permission) => has(user, any) || (has(user, own) && c.ownerId === user.id);

/** May the user write messages on the case (reply to the customer, internal note)? Never on spam: nobody answers it. */
export function canMessage(user: Actor, c: Subject): boolean {
  if (c.status === 'closed' || c.status === 'canceled' || c.status === 'spam') return false;
  if (has(user, 'case.message')) return true;
  return has(user, 'case.message.team') && (c.ownerId === user.id || user.teamIds.includes(c.teamId));
}

/**
 * May the user edit the case (subject, description, priority, tags, custom fields, customer)?
 * Like writing on it: any visible case with `case.edit`, their own and their teams' cases with
 * `case.edit.team`; never a closed, canceled or spam case (reopen a canceled one first, restore a spam one).
 */
export function canEdit(user: Actor, c: Subject): boolean {
  if (c.status === 'closed' || c.status === 'canceled' || c.status === 'spam') return false;
  if (has(user, 'case.edit')) return true;
  return has(user, 'case.edit.team') && (c.ownerId === user.id || user.teamIds.includes(c.teamId));
}

/** The statuses a case may be marked as spam from: open, resolved or canceled (a closed case cannot change). */
const SPAM_FROM: readonly Status[] = ['new', 'ready', 'waiting', 'resolved', 'canceled'];

const RULES = {
  claim: (u, c) => has(u, 'case.claim') && isOpen(c.status) && c.ownerId === null && u.teamIds.includes(c.teamId),
  assign: (u, c) => has(u, 'case.assign') && isOpen(c.status),
  unassign: (u, c) => isOpen(c.status) && c.ownerId !== null && anyOrOwn(u, c, 'case.unassign', 'case.unassign.own'),
  set_waiting: (u, c) => (c.status === 'new' || c.status === 'ready') && anyOrOwn(u, c, 'case.set_waiting', 'case.set_waiting.own'),
  wake: (u, c) => c.status === 'waiting' && anyOrOwn(u, c, 'case.set_waiting', 'case.set_waiting.own'),
  resolve: (u, c) => isOpen(c.status) && anyOrOwn(u, c, 'case.resolve', 'case.resolve.own'),
  cancel: (u, c) => isOpen(c.status) && has(u, 'case.cancel'),
  reopen: (u, c) => (c.status === 'resolved' || c.status === 'canceled') && anyOrOwn(u, c, 'case.resolve', 'case.resolve.own'),
  spam: (u, c) => SPAM_FROM.includes(c.status) && anyOrOwn(u, c, 'case.spam', 'case.spam.own'),
  not_spam: (u, c) => c.status === 'spam' && anyOrOwn(u, c, 'case.spam', 'case.spam.own'),
  follow: (u, c) => has(u, 'case.follow') && c.status !== 'closed' && c.status !== 'spam' && !c.collaboratorIds.includes(u.id),
  unfollow: (u, c) => c.collaboratorIds.includes(u.id),
  open_chat: (u, c) => isChatType(c.type) && isOpen(c.status) && canMessage(u, c),
  message: (u, c) => canMessage(u, c),
  edit: (u, c) => canEdit(u, c),
} as const satisfies Record<CaseAction, (u: Actor, c: Subject) => boolean>;

/**
 * The actions the user may take on the case now (role × relation × status).
 * The same list feeds the card menu and the API's refusals. Invisible cases allow nothing.
 */
export function actionsFor(user: Actor, c: Subject): CaseAction[] {
  if (!canView(user, c)) return [];
  return CASE_ACTIONS.filter((a) => RULES[a](user, c));
}

export function can(user: Actor, action: CaseAction, c: Subject): boolean {
  return canView(user, c) && RULES[action](user, c);
}

/**
 * A user sees a customer if they see every case, or at least one of the customer's cases
 * (SPEC §5: a customer known only from another team's cases is as hidden as those cases, so
 * the list, the profile and the lookup reveal no more than the Cases list does). The profile
 * and caseCount then show only the cases canView allows.
 */
export function canViewCustomer(user: Actor, customerCases: readonly Subject[]): boolean {
  return seesEveryCase(user) || customerCases.some((c) => canView(user, c));
}

type Creator = Pick<Actor, 'id' | 'permissions' | 'teamIds'>;

/**
 * May the user create a case on this team? With `case.assign` on any team, otherwise only on
 * their own teams (SPEC §5). The API refuses, and the New case form offers, by this rule.
 */
export function mayCreateOnTeam(user: Creator, teamId: string): boolean {
  return has(user, 'case.create') && (has(user, 'case.assign') || user.teamIds.includes(teamId));
}

/**
 * May the user name this owner on a case they create? Leaving it unowned (the team's queue) is
 * always allowed; naming someone else takes `case.assign`. Membership of the team is checked
 * against the database (the owner must be an active member of the case's team).
 */
export function mayNameOwner(user: Creator, ownerId: string | null): boolean {
  return ownerId === null || ownerId === user.id || has(user, 'case.assign');
}
