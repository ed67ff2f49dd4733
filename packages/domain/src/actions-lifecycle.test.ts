import { describe, expect, it } from 'vitest';
import { BUILT_IN_ROLES, CASE_ACTIONS, actionsFor, type BuiltInRoleId, type CaseAction } from './permissions.ts';
import { transition, type LifecycleEvent } from './lifecycle.ts';
import { CASE_TYPES, STATUSES, type Actor, type CaseFacts, type Status } from './types.ts';

/**
 * The status preconditions are stated twice: in the lifecycle table (what `transition` accepts)
 * and in the permission rules (what `actionsFor` offers). These tables hold the two together:
 * every action offered is accepted, for every status × built-in role × relation × type; and every
 * lifecycle change an action's event makes is offered to someone who may do it.
 */
const ME = 'me';
const NOW = new Date('2026-06-15T12:00:00Z');
const LATER = new Date('2026-06-16T12:00:00Z');
const RELATIONS = ['owner', 'team, unowned', 'team, other owner', 'follower only', 'outsider'] as const;
type Relation = (typeof RELATIONS)[number];

const actorOf = (role: BuiltInRoleId): Actor => ({
  id: ME,
  permissions: new Set(BUILT_IN_ROLES[role].permissions),
  teamIds: ['t-mine', 't-second'],
  timeZone: 'UTC',
});

function caseFor(relation: Relation, status: Status, type: CaseFacts['type']): CaseFacts | null {
  const owned = relation === 'owner' || relation === 'team, other owner';
  if (status === 'new' && owned) return null; // a new case never has an owner
  const other = status === 'new' || relation === 'team, unowned' ? null : 'someone';
  const base = {
    id: 'c1',
    type,
    status,
    resolution:
      status === 'resolved' || status === 'closed' ? ('completed' as const) : status === 'canceled' ? ('canceled' as const) : null,
    resolutionReason: null,
    createdAt: new Date('2026-06-01T00:00:00Z'),
    resolvedAt: status === 'resolved' || status === 'closed' || status === 'canceled' ? new Date('2026-06-14T00:00:00Z') : null,
    wakeAt: status === 'waiting' ? new Date('2026-06-20T00:00:00Z') : null,
  };
  switch (relation) {
    case 'owner':
      return { ...base, teamId: 't-mine', ownerId: ME, collaboratorIds: ['x'] };
    case 'team, unowned':
      return { ...base, teamId: 't-second', ownerId: null, collaboratorIds: [] };
    case 'team, other owner':
      return { ...base, teamId: 't-mine', ownerId: 'someone', collaboratorIds: ['x'] };
    case 'follower only':
      return { ...base, teamId: 't-other', ownerId: other, collaboratorIds: ['x', ME] };
    case 'outsider':
      return { ...base, teamId: 't-other', ownerId: other, collaboratorIds: ['x'] };
  }
}

/**
 * The lifecycle events the API sends for each action (use-cases: claim-case, assign-case,
 * status-actions), in each form the request can take. Actions without one change no lifecycle.
 */
const EVENTS: Record<CaseAction, (c: CaseFacts) => LifecycleEvent[]> = {
  claim: () => [{ kind: 'claim', actorId: ME }],
  assign: (c) => [
    { kind: 'assign', teamId: c.teamId, ownerId: 'colleague', ownerIsMember: true },
    { kind: 'assign', teamId: 't-elsewhere', ownerId: null, ownerIsMember: true },
    { kind: 'assign', teamId: 't-elsewhere', ownerId: 'colleague', ownerIsMember: true },
  ],
  unassign: (c) => [{ kind: 'assign', teamId: c.teamId, ownerId: null, ownerIsMember: true }],
  set_waiting: () => [
    { kind: 'set_waiting', wakeAt: null },
    { kind: 'set_waiting', wakeAt: LATER },
  ],
  wake: () => [{ kind: 'wake' }],
  resolve: () => [
    { kind: 'resolve', resolution: 'completed' },
    { kind: 'resolve', resolution: 'unresolved' },
  ],
  cancel: () => [{ kind: 'resolve', resolution: 'canceled' }],
  reopen: () => [{ kind: 'reopen' }],
  spam: () => [{ kind: 'mark_spam' }],
  not_spam: () => [{ kind: 'not_spam' }],
  follow: () => [],
  unfollow: () => [],
  open_chat: () => [],
  message: () => [],
  edit: () => [],
};

const ROLES = Object.keys(BUILT_IN_ROLES) as BuiltInRoleId[];
const cells = ROLES.flatMap((role) =>
  RELATIONS.flatMap((relation) =>
    STATUSES.flatMap((status) =>
      CASE_TYPES.flatMap((type) => {
        const c = caseFor(relation, status, type);
        return c ? [{ role, relation, status, type, c }] : [];
      }),
    ),
  ),
);

describe('every action actionsFor offers, transition accepts', () => {
  it('covers 4 roles × 5 relations × every status that can occur × every type', () => {
    expect(cells).toHaveLength(4 * (5 * 7 - 2) * CASE_TYPES.length);
  });

  it.each(cells)('$role, $relation, $status, $type', ({ role, c }) => {
    const refused: string[] = [];
    for (const action of actionsFor(actorOf(role), c)) {
      for (const event of EVENTS[action](c)) {
        const outcome = transition(c, event, NOW);
        if (!outcome.ok) refused.push(`${action} (${JSON.stringify(event)}): ${outcome.code} ${outcome.detail}`);
      }
    }
    expect(refused).toEqual([]);
  });
});

describe('every lifecycle change an action makes, actionsFor offers to someone', () => {
  // The action a request names when it sends this event to this case (set_waiting pressed on a
  // waiting case wakes it, which the menu offers as `wake`: use-cases/status-actions.ts).
  const actionOf = (action: CaseAction, c: CaseFacts): CaseAction => (action === 'set_waiting' && c.status === 'waiting' ? 'wake' : action);
  const withEvents = CASE_ACTIONS.filter((a) => EVENTS[a](caseFor('outsider', 'ready', 'email')!).length > 0);

  // Grouped by status and ownership: who may act also depends on teams and roles, which the
  // lifecycle does not look at, so the claim is "someone, in some relation to the case".
  const combos = withEvents.flatMap((action) =>
    STATUSES.flatMap((status) =>
      [true, false].flatMap((owned) => {
        const cases = RELATIONS.flatMap((relation) => {
          const c = caseFor(relation, status, 'web_connect');
          return c && (c.ownerId !== null) === owned ? [{ relation, c }] : [];
        });
        return cases.length ? [{ action, status, ownership: owned ? 'owned' : 'unowned', cases }] : [];
      }),
    ),
  );

  it.each(combos)('$action on $ownership $status cases', ({ action, cases }) => {
    const changes = cases.some(({ c }) =>
      EVENTS[action](c).some((e) => {
        const o = transition(c, e, NOW);
        return o.ok && o.events.length > 0;
      }),
    );
    const offered = cases.flatMap(({ relation, c }) =>
      ROLES.filter((role) => actionsFor(actorOf(role), c).includes(actionOf(action, c))).map((role) => `${role} (${relation})`),
    );
    // A change the lifecycle would make is offered to someone, and one it refuses (or that
    // changes nothing) is offered to nobody.
    expect(offered.length > 0, `offered to [${offered.join(', ')}]`).toBe(changes);
  });
});
