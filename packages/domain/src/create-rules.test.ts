import { describe, expect, it } from 'vitest';
import { BUILT_IN_ROLES, mayCreateOnTeam, mayNameOwner, type BuiltInRoleId } from './permissions.ts';

const ME = 'u-me';
const OTHER = 'u-other';
const OWN_TEAM = 't-own';
const OTHER_TEAM = 't-other';
const user = (role: BuiltInRoleId) => ({ id: ME, teamIds: [OWN_TEAM], permissions: new Set<string>(BUILT_IN_ROLES[role].permissions) });

/** SPEC §5: who may create a case on which team, and name which owner: [own team, other team]. */
const CREATE: Record<BuiltInRoleId, readonly [boolean, boolean]> = {
  admin: [true, true],
  supervisor: [true, true],
  agent: [true, false],
  viewer: [false, false],
};

/** [unowned, themselves, someone else]. */
const NAME_OWNER: Record<BuiltInRoleId, readonly [boolean, boolean, boolean]> = {
  admin: [true, true, true],
  supervisor: [true, true, true],
  agent: [true, true, false],
  viewer: [true, true, false],
};

describe('creating a case: team and owner rules', () => {
  it.each(Object.entries(CREATE))('%s creates on [own team, other team] = %j', (role, [own, other]) => {
    const u = user(role as BuiltInRoleId);
    expect([mayCreateOnTeam(u, OWN_TEAM), mayCreateOnTeam(u, OTHER_TEAM)]).toEqual([own, other]);
  });

  it.each(Object.entries(NAME_OWNER))('%s names [nobody, themselves, someone else] = %j', (role, expected) => {
    const u = user(role as BuiltInRoleId);
    expect([mayNameOwner(u, null), mayNameOwner(u, ME), mayNameOwner(u, OTHER)]).toEqual(expected);
  });

  it('a user on no team with case.create but not case.assign can create nowhere', () => {
    const u = { id: ME, teamIds: [], permissions: new Set(['case.create']) };
    expect(mayCreateOnTeam(u, OWN_TEAM)).toBe(false);
  });
});
