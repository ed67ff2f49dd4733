import { describe, expect, it } from 'vitest';
import { claimQueued, QUEUED } from './routing.ts';
import { transition } from './lifecycle.ts';
import { CASE_TYPES } from './types.ts';
import type { CaseFacts } from './types.ts';

const now = new Date('2026-03-29T10:00:00Z');
const variants: Partial<CaseFacts>[] = [
  {},
  { teamId: 'team-b', collaboratorIds: ['u1', 'u2'] },
  { createdAt: new Date('2020-01-01T00:00:00Z') },
  { resolvedAt: new Date('2026-03-01T00:00:00Z'), resolution: 'completed' },
  { wakeAt: new Date('2026-04-01T00:00:00Z') },
];

describe('claiming a queued case (claim-next in one statement)', () => {
  const cases = CASE_TYPES.flatMap((type) => variants.map((v) => ({ type, v })));
  it.each(cases)('a queued $type case claims exactly as the lifecycle says (%#)', ({ type, v }) => {
    const facts: CaseFacts = {
      id: 'c1',
      type,
      teamId: 'team-a',
      resolution: null,
      resolutionReason: null,
      collaboratorIds: [],
      createdAt: now,
      resolvedAt: null,
      wakeAt: null,
      ...v,
      ...QUEUED,
    };
    expect(claimQueued('agent-1', now)).toEqual(transition(facts, { kind: 'claim', actorId: 'agent-1' }, now));
  });

  it('makes the claimer the owner, readies the case and records both facts', () => {
    const o = claimQueued('agent-1', now);
    expect(o.changes).toEqual({ ownerId: 'agent-1', status: 'ready' });
    expect(o.events.map((e) => e.type)).toEqual(['case.claimed', 'case.status_changed']);
  });

  it('is the condition of the queue: new and unowned', () => {
    expect(QUEUED).toEqual({ status: 'new', ownerId: null });
  });
});
