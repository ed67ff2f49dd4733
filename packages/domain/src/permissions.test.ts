import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_ROLES,
  CASE_ACTIONS,
  PERMISSIONS,
  actionsFor,
  can,
  canEdit,
  canMessage,
  canView,
  canViewCustomer,
  isPermission,
} from './permissions.ts';
import type { BuiltInRoleId, Permission } from './permissions.ts';
import { STATUSES } from './types.ts';
import type { Actor, CaseFacts } from './types.ts';

const ROLES = ['admin', 'supervisor', 'agent', 'viewer'] as const satisfies readonly BuiltInRoleId[];

/**
 * SPEC §5 written out per catalogue permission: [admin, supervisor, agent, viewer].
 * "own cases" / "own and team cases" in the spec are the `.own` / `.team` permissions.
 */
const MATRIX: Record<Permission, readonly [admin: 0 | 1, supervisor: 0 | 1, agent: 0 | 1, viewer: 0 | 1]> = {
  'case.view_team': [1, 1, 1, 1],
  'case.view_all': [1, 1, 0, 0],
  'case.create': [1, 1, 1, 0],
  'case.claim': [1, 1, 1, 0],
  'case.assign': [1, 1, 0, 0],
  'case.unassign': [1, 1, 0, 0],
  'case.unassign.own': [0, 0, 1, 0],
  'case.set_waiting': [1, 1, 0, 0],
  'case.set_waiting.own': [0, 0, 1, 0],
  'case.resolve': [1, 1, 0, 0],
  'case.resolve.own': [0, 0, 1, 0],
  'case.cancel': [1, 1, 0, 0],
  'case.spam': [1, 1, 0, 0],
  'case.spam.own': [0, 0, 1, 0],
  'case.follow': [1, 1, 1, 1],
  'case.message': [1, 1, 0, 0],
  'case.message.team': [0, 0, 1, 0],
  'case.edit': [1, 1, 0, 0],
  'case.edit.team': [0, 0, 1, 0],
  'case.import': [1, 0, 0, 0],
  'customer.edit': [1, 1, 1, 0],
  'customer.merge': [1, 1, 0, 0],
  'canned.team': [1, 1, 0, 0],
  'macro.team': [1, 1, 0, 0],
  'admin.users': [1, 0, 0, 0],
  'admin.teams': [1, 0, 0, 0],
  'admin.roles': [1, 0, 0, 0],
  'admin.channels': [1, 0, 0, 0],
  'admin.tokens': [1, 0, 0, 0],
  'admin.views': [1, 1, 0, 0],
  'admin.fields': [1, 0, 0, 0],
  'report.view_team': [1, 1, 0, 1],
  'admin.canned': [1, 0, 0, 0],
  'admin.macros': [1, 0, 0, 0],
  'admin.sla': [1, 0, 0, 0],
};

describe('built-in roles (SPEC §5 matrix)', () => {
  it('the matrix covers exactly the permission catalogue', () => {
    expect(Object.keys(MATRIX).sort()).toEqual([...PERMISSIONS].sort());
  });

  const cells = ROLES.flatMap((role, i) => PERMISSIONS.map((permission) => ({ role, permission, granted: MATRIX[permission][i] === 1 })));
  it.each(cells)('$role has $permission: $granted', ({ role, permission, granted }) => {
    expect((BUILT_IN_ROLES[role].permissions as readonly string[]).includes(permission)).toBe(granted);
  });

  it.each(ROLES)('%s lists each permission once, all from the catalogue', (role) => {
    const perms: readonly string[] = BUILT_IN_ROLES[role].permissions;
    expect(new Set(perms).size).toBe(perms.length);
    for (const p of perms) expect(isPermission(p)).toBe(true);
  });

  it('isPermission', () => {
    expect(isPermission('case.claim')).toBe(true);
    expect(isPermission('case.fly')).toBe(false);
    expect(isPermission('toString')).toBe(false);
  });
});

const actorOf = (role: BuiltInRoleId, over: Partial<Actor> = {}): Actor => ({
  id: 'me',
  permissions: new Set(BUILT_IN_ROLES[role].permissions),
  teamIds: ['t-mine'],
  timeZone: 'UTC',
  ...over,
});
type Subject = Pick<CaseFacts, 'type' | 'status' | 'teamId' | 'ownerId' | 'collaboratorIds'>;
const subject = (over: Partial<Subject> = {}): Subject => ({
  type: 'email',
  status: 'ready',
  teamId: 't-other',
  ownerId: 'someone',
  collaboratorIds: [],
  ...over,
});

/** Relations of V ("me") to a case, all for a case on another team unless said. */
const RELATIONS = {
  'owner (case on my team)': subject({ teamId: 't-mine', ownerId: 'me' }),
  'owner (case moved to another team)': subject({ ownerId: 'me' }),
  'team member, someone else owns it': subject({ teamId: 't-mine' }),
  'team member, unowned': subject({ teamId: 't-mine', ownerId: null }),
  'follower only': subject({ collaboratorIds: ['x', 'me'] }),
  outsider: subject(),
  'outsider, unowned': subject({ ownerId: null }),
} as const;
type Relation = keyof typeof RELATIONS;

/** Visible? [admin, supervisor, agent, viewer] — view_all, or own team, or owner, or follower. */
const VISIBLE: Record<Relation, readonly [boolean, boolean, boolean, boolean]> = {
  'owner (case on my team)': [true, true, true, true],
  'owner (case moved to another team)': [true, true, true, true],
  'team member, someone else owns it': [true, true, true, true],
  'team member, unowned': [true, true, true, true],
  'follower only': [true, true, true, true],
  outsider: [true, true, false, false],
  'outsider, unowned': [true, true, false, false],
};

describe('canView', () => {
  const cells = ROLES.flatMap((role, i) =>
    (Object.keys(RELATIONS) as Relation[]).map((relation) => ({ role, relation, visible: VISIBLE[relation][i] })),
  );
  it.each(cells)('$role, $relation → $visible (every status)', ({ role, relation, visible }) => {
    for (const status of STATUSES) expect(canView(actorOf(role), { ...RELATIONS[relation], status })).toBe(visible);
  });

  it('a role without any view permission sees only what it owns or follows', () => {
    const bare = actorOf('viewer', { permissions: new Set() });
    expect(canView(bare, RELATIONS['team member, unowned'])).toBe(false);
    expect(canView(bare, RELATIONS['owner (case moved to another team)'])).toBe(true);
    expect(canView(bare, RELATIONS['follower only'])).toBe(true);
  });

  it('membership of several teams: any of them counts', () => {
    expect(canView(actorOf('agent', { teamIds: ['a', 'b', 'c'] }), subject({ teamId: 'c' }))).toBe(true);
    expect(canView(actorOf('agent', { teamIds: [] }), subject({ teamId: 'c' }))).toBe(false);
  });
});

describe('canViewCustomer: seen through any one of the customer’s cases', () => {
  const cases = (...relations: Relation[]) => relations.map((r) => RELATIONS[r]);
  const TABLE: { cases: Subject[]; visible: readonly [boolean, boolean, boolean, boolean]; what: string }[] = [
    { what: 'no cases at all', cases: [], visible: [true, true, false, false] },
    { what: 'only outsider cases', cases: cases('outsider', 'outsider, unowned'), visible: [true, true, false, false] },
    { what: 'one team case among outsider ones', cases: cases('outsider', 'team member, unowned'), visible: [true, true, true, true] },
    { what: 'a followed case elsewhere', cases: cases('outsider', 'follower only'), visible: [true, true, true, true] },
    { what: 'an owned case moved elsewhere', cases: cases('owner (case moved to another team)'), visible: [true, true, true, true] },
  ];
  const cells = TABLE.flatMap((row) => ROLES.map((role, i) => ({ ...row, role, expected: row.visible[i] })));
  it.each(cells)('$role, $what → $expected', ({ role, cases: cs, expected }) => {
    expect(canViewCustomer(actorOf(role), cs)).toBe(expected);
  });
  it('agrees with canView: visible iff view_all or some case is visible', () => {
    for (const role of ROLES)
      for (const r of Object.keys(RELATIONS) as Relation[])
        expect(canViewCustomer(actorOf(role), [RELATIONS[r]])).toBe(canView(actorOf(role), RELATIONS[r]));
  });
});

describe('invisible cases allow nothing', () => {
  it.each(['agent', 'viewer'] as const)('%s outsider: actionsFor = [] and can() is false for every action and status', (role) => {
    for (const status of STATUSES) {
      for (const type of ['web_connect', 'email'] as const) {
        const c = { ...RELATIONS.outsider, status, type };
        expect(actionsFor(actorOf(role), c)).toEqual([]);
        for (const a of CASE_ACTIONS) expect(can(actorOf(role), a, c)).toBe(false);
      }
    }
  });

  it('even a user holding every case permission but no view permission sees and does nothing on a foreign case', () => {
    const perms = new Set<string>(PERMISSIONS.filter((p) => p !== 'case.view_all' && p !== 'case.view_team'));
    expect(actionsFor(actorOf('admin', { permissions: perms, teamIds: [] }), subject({ ownerId: null }))).toEqual([]);
  });
});

describe('canMessage (reply, note)', () => {
  it.each([
    { role: 'admin', relation: 'outsider', open: true },
    { role: 'supervisor', relation: 'outsider', open: true },
    { role: 'agent', relation: 'owner (case moved to another team)', open: true },
    { role: 'agent', relation: 'team member, someone else owns it', open: true },
    { role: 'agent', relation: 'team member, unowned', open: true },
    { role: 'agent', relation: 'follower only', open: false },
    { role: 'agent', relation: 'outsider', open: false },
    { role: 'viewer', relation: 'owner (case on my team)', open: false },
    { role: 'viewer', relation: 'team member, unowned', open: false },
  ] as const)('$role, $relation: $open on new/ready/waiting/resolved, never on closed/canceled/spam', ({ role, relation, open }) => {
    for (const status of STATUSES) {
      const want = open && status !== 'closed' && status !== 'canceled' && status !== 'spam';
      expect(canMessage(actorOf(role), { ...RELATIONS[relation], status })).toBe(want);
    }
  });
});

describe('canEdit (subject, description, priority, tags, fields, customer)', () => {
  it.each([
    { role: 'admin', relation: 'outsider', open: true },
    { role: 'admin', relation: 'outsider, unowned', open: true },
    { role: 'supervisor', relation: 'outsider', open: true },
    { role: 'supervisor', relation: 'follower only', open: true },
    { role: 'agent', relation: 'owner (case on my team)', open: true },
    { role: 'agent', relation: 'owner (case moved to another team)', open: true },
    { role: 'agent', relation: 'team member, someone else owns it', open: true },
    { role: 'agent', relation: 'team member, unowned', open: true },
    { role: 'agent', relation: 'follower only', open: false },
    { role: 'agent', relation: 'outsider', open: false },
    { role: 'viewer', relation: 'owner (case on my team)', open: false },
    { role: 'viewer', relation: 'team member, unowned', open: false },
    { role: 'viewer', relation: 'follower only', open: false },
  ] as const)('$role, $relation: $open on new/ready/waiting/resolved, never on closed/canceled/spam', ({ role, relation, open }) => {
    for (const status of STATUSES) {
      const want = open && status !== 'closed' && status !== 'canceled' && status !== 'spam';
      expect(canEdit(actorOf(role), { ...RELATIONS[relation], status })).toBe(want);
      expect(can(actorOf(role), 'edit', { ...RELATIONS[relation], status })).toBe(want && canView(actorOf(role), RELATIONS[relation]));
    }
  });

  it('case.edit.team alone reaches own and team cases only; case.edit any case the user sees', () => {
    const team = actorOf('viewer', { permissions: new Set(['case.view_team', 'case.edit.team']) });
    expect(canEdit(team, RELATIONS['team member, unowned'])).toBe(true);
    expect(canEdit(team, RELATIONS['owner (case moved to another team)'])).toBe(true);
    expect(canEdit(team, RELATIONS['follower only'])).toBe(false);
    const any = actorOf('viewer', { permissions: new Set(['case.view_team', 'case.edit']) });
    expect(canEdit(any, RELATIONS['follower only'])).toBe(true);
  });
});

describe('can() agrees with actionsFor()', () => {
  it('for every role, relation, status, type and action', () => {
    for (const role of ROLES) {
      for (const base of Object.values(RELATIONS)) {
        for (const status of STATUSES) {
          for (const type of ['web_connect', 'phone'] as const) {
            const c = { ...base, status, type };
            const listed = actionsFor(actorOf(role), c);
            for (const a of CASE_ACTIONS) expect(can(actorOf(role), a, c)).toBe(listed.includes(a));
          }
        }
      }
    }
  });
});
