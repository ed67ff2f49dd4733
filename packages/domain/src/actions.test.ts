import { describe, expect, it } from 'vitest';
import { BUILT_IN_ROLES, actionsFor } from './permissions.ts';
import type { BuiltInRoleId, CaseAction } from './permissions.ts';
import type { Actor, CaseFacts, Status } from './types.ts';

/**
 * actionsFor = role permissions × V's relation to the case × status (SPEC §3.3, §5, §2),
 * written out by hand for a chat case. Actions are listed in menu order; '' = nothing.
 * "new" cases never have an owner, so there is no owner / other-owner cell for them.
 */
type Relation = 'owner' | 'team, unowned' | 'team, other owner' | 'follower only' | 'outsider';
type Table = Record<Relation, Partial<Record<Status, string>>>;

// Admin and supervisor hold every case permission (claim still needs membership of the case's team).
const MANAGER: Table = {
  owner: {
    ready: 'assign unassign set_waiting resolve cancel spam follow open_chat message edit',
    waiting: 'assign unassign wake resolve cancel spam follow open_chat message edit',
    resolved: 'reopen spam follow message edit',
    closed: '',
    canceled: 'reopen spam follow',
    spam: 'not_spam',
  },
  'team, unowned': {
    new: 'claim assign set_waiting resolve cancel spam follow open_chat message edit',
    ready: 'claim assign set_waiting resolve cancel spam follow open_chat message edit',
    waiting: 'claim assign wake resolve cancel spam follow open_chat message edit',
    resolved: 'reopen spam follow message edit',
    closed: '',
    canceled: 'reopen spam follow',
    spam: 'not_spam',
  },
  'team, other owner': {
    ready: 'assign unassign set_waiting resolve cancel spam follow open_chat message edit',
    waiting: 'assign unassign wake resolve cancel spam follow open_chat message edit',
    resolved: 'reopen spam follow message edit',
    closed: '',
    canceled: 'reopen spam follow',
    spam: 'not_spam',
  },
  'follower only': {
    new: 'assign set_waiting resolve cancel spam unfollow open_chat message edit',
    ready: 'assign unassign set_waiting resolve cancel spam unfollow open_chat message edit',
    waiting: 'assign unassign wake resolve cancel spam unfollow open_chat message edit',
    resolved: 'reopen spam unfollow message edit',
    closed: 'unfollow',
    canceled: 'reopen spam unfollow',
    spam: 'not_spam unfollow',
  },
  outsider: {
    new: 'assign set_waiting resolve cancel spam follow open_chat message edit',
    ready: 'assign unassign set_waiting resolve cancel spam follow open_chat message edit',
    waiting: 'assign unassign wake resolve cancel spam follow open_chat message edit',
    resolved: 'reopen spam follow message edit',
    closed: '',
    canceled: 'reopen spam follow',
    spam: 'not_spam',
  },
};

const EXPECTED: Record<BuiltInRoleId, Table> = {
  admin: MANAGER,
  supervisor: MANAGER,
  agent: {
    owner: {
      ready: 'unassign set_waiting resolve spam follow open_chat message edit',
      waiting: 'unassign wake resolve spam follow open_chat message edit',
      resolved: 'reopen spam follow message edit',
      closed: '',
      canceled: 'reopen spam follow',
      spam: 'not_spam',
    },
    'team, unowned': {
      new: 'claim follow open_chat message edit',
      ready: 'claim follow open_chat message edit',
      waiting: 'claim follow open_chat message edit',
      resolved: 'follow message edit',
      closed: '',
      canceled: 'follow',
      spam: '',
    },
    'team, other owner': {
      ready: 'follow open_chat message edit',
      waiting: 'follow open_chat message edit',
      resolved: 'follow message edit',
      closed: '',
      canceled: 'follow',
      spam: '',
    },
    'follower only': {
      new: 'unfollow',
      ready: 'unfollow',
      waiting: 'unfollow',
      resolved: 'unfollow',
      closed: 'unfollow',
      canceled: 'unfollow',
      spam: 'unfollow',
    },
    outsider: { new: '', ready: '', waiting: '', resolved: '', closed: '', canceled: '', spam: '' },
  },
  viewer: {
    owner: { ready: 'follow', waiting: 'follow', resolved: 'follow', closed: '', canceled: 'follow', spam: '' },
    'team, unowned': { new: 'follow', ready: 'follow', waiting: 'follow', resolved: 'follow', closed: '', canceled: 'follow', spam: '' },
    'team, other owner': { ready: 'follow', waiting: 'follow', resolved: 'follow', closed: '', canceled: 'follow', spam: '' },
    'follower only': {
      new: 'unfollow',
      ready: 'unfollow',
      waiting: 'unfollow',
      resolved: 'unfollow',
      closed: 'unfollow',
      canceled: 'unfollow',
      spam: 'unfollow',
    },
    outsider: { new: '', ready: '', waiting: '', resolved: '', closed: '', canceled: '', spam: '' },
  },
};

const ME = 'me';
const actorOf = (role: BuiltInRoleId): Actor => ({
  id: ME,
  permissions: new Set(BUILT_IN_ROLES[role].permissions),
  teamIds: ['t-mine', 't-second'],
  timeZone: 'UTC',
});

function caseFor(relation: Relation, status: Status): Pick<CaseFacts, 'type' | 'status' | 'teamId' | 'ownerId' | 'collaboratorIds'> {
  const other = status === 'new' ? null : 'someone';
  switch (relation) {
    case 'owner':
      return { type: 'web_connect', status, teamId: 't-mine', ownerId: ME, collaboratorIds: ['x'] };
    case 'team, unowned':
      return { type: 'web_connect', status, teamId: 't-second', ownerId: null, collaboratorIds: [] };
    case 'team, other owner':
      return { type: 'web_connect', status, teamId: 't-mine', ownerId: 'someone', collaboratorIds: ['x'] };
    case 'follower only':
      return { type: 'web_connect', status, teamId: 't-other', ownerId: other, collaboratorIds: ['x', ME] };
    case 'outsider':
      return { type: 'web_connect', status, teamId: 't-other', ownerId: other, collaboratorIds: ['x'] };
  }
}

const rows = (Object.keys(EXPECTED) as BuiltInRoleId[]).flatMap((role) =>
  (Object.keys(EXPECTED[role]) as Relation[]).flatMap((relation) =>
    Object.entries(EXPECTED[role][relation]).map(([status, want]) => ({ role, relation, status: status as Status, want })),
  ),
);

const split = (s: string) => (s === '' ? [] : s.split(' ')) as CaseAction[];

describe('actionsFor: role × relation × status', () => {
  it('covers 4 roles × 5 relations × every status that can occur', () => {
    const perRole = 6 + 7 + 6 + 7 + 7; // owner and other-owner have no `new` cell
    expect(rows).toHaveLength(4 * perRole);
  });

  it.each(rows)('$role, $relation, $status chat → [$want]', ({ role, relation, status, want }) => {
    expect(actionsFor(actorOf(role), caseFor(relation, status))).toEqual(split(want));
  });

  it.each(rows)('$role, $relation, $status non-chat → the same without open_chat', ({ role, relation, status, want }) => {
    const c = { ...caseFor(relation, status), type: 'email' as const };
    expect(actionsFor(actorOf(role), c)).toEqual(split(want).filter((a) => a !== 'open_chat'));
  });
});

describe('actionsFor: details', () => {
  it('an agent who owns a case on a team they left still handles it but cannot claim elsewhere', () => {
    const agent = { ...actorOf('agent'), teamIds: [] };
    const c = { type: 'phone' as const, status: 'ready' as const, teamId: 't-old', ownerId: ME, collaboratorIds: [] };
    expect(actionsFor(agent, c)).toEqual(['unassign', 'set_waiting', 'resolve', 'spam', 'follow', 'message', 'edit']);
  });

  it('an admin outside the case team cannot claim it but can assign it', () => {
    const c = { type: 'email' as const, status: 'new' as const, teamId: 't-other', ownerId: null, collaboratorIds: [] };
    const actions = actionsFor(actorOf('admin'), c);
    expect(actions).not.toContain('claim');
    expect(actions).toContain('assign');
  });

  it('support_sdk is a chat too: open_chat offered on an open owned case', () => {
    const c = { type: 'support_sdk' as const, status: 'waiting' as const, teamId: 't-mine', ownerId: ME, collaboratorIds: [] };
    expect(actionsFor(actorOf('agent'), c)).toContain('open_chat');
  });
});
