import { describe, expect, it } from 'vitest';
import { ownerAfterAssign, transition, type LifecycleEvent } from './lifecycle.ts';
import type { CaseFacts, Status } from './types.ts';

const NOW = new Date('2026-03-10T14:00:00.000Z');

function caseIn(status: Status, ownerId: string | null): CaseFacts {
  return {
    id: 'c1',
    type: 'email',
    status,
    teamId: 't1',
    ownerId,
    collaboratorIds: [],
    createdAt: new Date(NOW.getTime() - 86_400_000),
    resolution: null,
    resolutionReason: null,
    resolvedAt: null,
    wakeAt: null,
  };
}

const KEEP = 'keep' as const;
const REFUSED = 'refused' as const;

/**
 * Who owns the case after an assignment. `named`: the owner the request names (`keep`: none named,
 * `null`: unassign). `member`: whether the owner the case would have is an active member of the target team.
 */
const TABLE: {
  owner: string | null;
  team: 't1' | 't2';
  named: string | null | typeof KEEP;
  member: boolean;
  ownerAfter: string | null | typeof REFUSED;
  status: Status | null;
}[] = [
  // Moving team, no owner named: the owner stays only if they are on the new team.
  { owner: 'u1', team: 't2', named: KEEP, member: true, ownerAfter: 'u1', status: 'ready' },
  { owner: 'u1', team: 't2', named: KEEP, member: false, ownerAfter: null, status: 'new' },
  { owner: null, team: 't2', named: KEEP, member: false, ownerAfter: null, status: 'new' },
  // Same team, no owner named: an owner no longer on it goes too (the case waits in the queue, not new).
  { owner: 'u1', team: 't1', named: KEEP, member: true, ownerAfter: 'u1', status: null },
  { owner: 'u1', team: 't1', named: KEEP, member: false, ownerAfter: null, status: 'ready' },
  // A named owner must be on the team; never silently dropped.
  { owner: 'u1', team: 't2', named: 'u2', member: true, ownerAfter: 'u2', status: 'ready' },
  { owner: 'u1', team: 't2', named: 'u2', member: false, ownerAfter: REFUSED, status: null },
  { owner: null, team: 't1', named: 'u2', member: false, ownerAfter: REFUSED, status: null },
  { owner: 'u1', team: 't1', named: 'u1', member: false, ownerAfter: REFUSED, status: null },
  // Unassigning needs no member.
  { owner: 'u1', team: 't1', named: null, member: false, ownerAfter: null, status: 'ready' },
  { owner: 'u1', team: 't2', named: null, member: false, ownerAfter: null, status: 'new' },
];

describe('assignment: who owns the case afterwards (domain rule)', () => {
  it.each(TABLE)(
    'owner $owner → team $team, named $named, member $member → $ownerAfter',
    ({ owner, team, named, member, ownerAfter, status }) => {
      const c = caseIn('ready', owner);
      const event: LifecycleEvent = { kind: 'assign', teamId: team, ownerIsMember: member, ...(named === KEEP ? {} : { ownerId: named }) };
      const o = transition(c, event, NOW);
      const decided = ownerAfterAssign(c, event as Extract<LifecycleEvent, { kind: 'assign' }>);
      if (ownerAfter === REFUSED) {
        expect(o).toEqual({ ok: false, code: 'validation_failed', detail: "The owner must be an active member of the case's team." });
        expect(decided.ok).toBe(false);
        return;
      }
      expect(decided).toEqual({ ok: true, ownerId: ownerAfter });
      if (!o.ok) throw new Error(o.detail);
      if (status === null) {
        expect(o).toEqual({ ok: true, changes: {}, events: [] });
        return;
      }
      expect(o.changes).toMatchObject({ teamId: team, ownerId: ownerAfter, status });
      const types = o.events.map((e) => e.type);
      expect(types.includes('case.unassigned')).toBe(owner !== null && ownerAfter === null);
      expect(types.includes('case.team_changed')).toBe(team !== 't1');
    },
  );

  it('a new case moved with its unset owner kept stays new and records only the team change', () => {
    const o = transition(caseIn('new', null), { kind: 'assign', teamId: 't2', ownerIsMember: false }, NOW);
    expect(o).toEqual({
      ok: true,
      changes: { teamId: 't2', ownerId: null, status: 'new' },
      events: [{ type: 'case.team_changed', data: { from: 't1', to: 't2' } }],
    });
  });

  it.each(['resolved', 'closed', 'canceled'] as const)('a %s case refuses any assignment before looking at the owner', (status) => {
    const o = transition(caseIn(status, 'u1'), { kind: 'assign', teamId: 't2', ownerId: 'u2', ownerIsMember: false }, NOW);
    expect(o).toMatchObject({ ok: false, code: 'transition_not_allowed' });
  });
});
