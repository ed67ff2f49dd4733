import { describe, expect, it } from 'vitest';
import { BUILT_IN_ROLES, type BuiltInRoleId } from './permissions.ts';
import { canEditView, canSeeView, mayShareViews, type SavedViewFacts } from './saved-views.ts';

const ROLES = ['admin', 'supervisor', 'agent', 'viewer'] as const satisfies readonly BuiltInRoleId[];
const user = (role: BuiltInRoleId) => ({ id: 'me', teamIds: ['t-mine'], permissions: new Set<string>(BUILT_IN_ROLES[role].permissions) });

/** The views, by their relation to V ("me", member of t-mine). */
const VIEWS: Record<string, SavedViewFacts> = {
  'my personal': { ownerId: 'me', sharedTeamIds: null },
  "someone's personal": { ownerId: 'other', sharedTeamIds: null },
  'mine, shared with another team': { ownerId: 'me', sharedTeamIds: ['t-other'] },
  "someone's, shared with my team": { ownerId: 'other', sharedTeamIds: ['t-other', 't-mine'] },
  "someone's, shared with another team": { ownerId: 'other', sharedTeamIds: ['t-other'] },
};

/** [sees, edits] per view and role: admin, supervisor, agent, viewer. */
const TABLE: Record<keyof typeof VIEWS, Record<BuiltInRoleId, readonly [boolean, boolean]>> = {
  'my personal': { admin: [true, true], supervisor: [true, true], agent: [true, true], viewer: [true, true] },
  "someone's personal": { admin: [false, false], supervisor: [false, false], agent: [false, false], viewer: [false, false] },
  'mine, shared with another team': { admin: [true, true], supervisor: [true, true], agent: [true, false], viewer: [true, false] },
  "someone's, shared with my team": { admin: [true, true], supervisor: [true, true], agent: [true, false], viewer: [true, false] },
  "someone's, shared with another team": { admin: [true, true], supervisor: [true, true], agent: [false, false], viewer: [false, false] },
};

describe('saved views: who sees and who changes them (SPEC §10)', () => {
  it.each(ROLES)('admin.views belongs to admins and supervisors only: %s', (role) => {
    expect(mayShareViews(user(role))).toBe(role === 'admin' || role === 'supervisor');
  });

  const cells = Object.entries(TABLE).flatMap(([view, byRole]) => ROLES.map((role) => ({ view, role, expected: byRole[role] })));
  it.each(cells)('$role on "$view": [sees, edits] = $expected', ({ view, role, expected }) => {
    const v = VIEWS[view]!;
    expect([canSeeView(user(role), v), canEditView(user(role), v)]).toEqual(expected);
  });

  it('a custom role with admin.views alone manages shared views but not the personal views of others', () => {
    const u = { id: 'me', teamIds: [], permissions: new Set(['admin.views']) };
    expect(canEditView(u, VIEWS["someone's, shared with another team"]!)).toBe(true);
    expect(canSeeView(u, VIEWS["someone's personal"]!)).toBe(false);
  });
});
