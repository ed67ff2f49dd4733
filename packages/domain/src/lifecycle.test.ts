import { describe, expect, it } from 'vitest';
import { LIFECYCLE, LIFECYCLE_EVENT_KINDS, transition } from './lifecycle.ts';
import type { LifecycleEvent, LifecycleEventKind, Outcome } from './lifecycle.ts';
import { STATUSES } from './types.ts';
import type { CaseFacts, CaseType, Status } from './types.ts';

const NOW = new Date('2026-03-10T14:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const later = (ms: number) => new Date(NOW.getTime() + ms);

/** A realistic case in a status: resolved/closed/canceled carry their resolution, waiting a due wake time. */
function caseIn(status: Status, over: Partial<CaseFacts> = {}): CaseFacts {
  const done = status === 'resolved' || status === 'closed' || status === 'canceled';
  return {
    id: 'c1',
    type: 'web_connect',
    status,
    teamId: 't1',
    ownerId: null,
    collaboratorIds: [],
    createdAt: ago(2 * DAY),
    resolution: status === 'canceled' ? 'canceled' : done ? 'completed' : null,
    resolutionReason: null,
    resolvedAt: done ? ago(2 * HOUR) : null,
    wakeAt: status === 'waiting' ? ago(HOUR) : null,
    ...over,
  };
}

/** One representative event of each kind (all "valid": future wake time, good rating, long inactivity). */
const EVENT: Record<LifecycleEventKind, LifecycleEvent> = {
  claim: { kind: 'claim', actorId: 'u2' },
  assign: { kind: 'assign', teamId: 't1', ownerId: 'u2', ownerIsMember: true },
  set_waiting: { kind: 'set_waiting', wakeAt: later(DAY) },
  wake: { kind: 'wake' },
  timer_wake: { kind: 'timer_wake' },
  resolve: { kind: 'resolve', resolution: 'completed' },
  reopen: { kind: 'reopen' },
  customer_message: { kind: 'customer_message' },
  customer_ended_chat: { kind: 'customer_ended_chat', agentReplied: true, rating: null },
  customer_rated: { kind: 'customer_rated', rating: { stars: 4, note: null } },
  auto_close: { kind: 'auto_close', autoCloseDays: 14, lastActivityAt: ago(15 * DAY) },
  mark_spam: { kind: 'mark_spam' },
  not_spam: { kind: 'not_spam' },
};

/** A resulting status, or a refusal code, or "the message starts a linked follow-up case". */
type Cell = Status | 'refused' | 'already_claimed' | 'follow_up';
const NO: Cell = 'refused';
const TAKEN: Cell = 'already_claimed';
const FOLLOW_UP: Cell = 'follow_up';

/**
 * SPEC §2 for a chat case, written from the spec (not from the code).
 * [unowned case, case owned by u1]; a `new` case never has an owner (null = not applicable).
 */
const CHAT: Record<Status, Record<LifecycleEventKind, readonly [Cell, Cell | null]>> = {
  new: {
    claim: ['ready', null],
    assign: ['ready', null],
    set_waiting: ['waiting', null],
    wake: [NO, null],
    timer_wake: [NO, null],
    resolve: ['resolved', null],
    reopen: [NO, null],
    customer_message: ['new', null],
    customer_ended_chat: ['resolved', null],
    customer_rated: [NO, null],
    auto_close: [NO, null],
    mark_spam: ['spam', null],
    not_spam: [NO, null],
  },
  ready: {
    claim: ['ready', TAKEN],
    assign: ['ready', 'ready'],
    set_waiting: ['waiting', 'waiting'],
    wake: [NO, NO],
    timer_wake: [NO, NO],
    resolve: ['resolved', 'resolved'],
    reopen: [NO, NO],
    customer_message: ['ready', 'ready'],
    customer_ended_chat: ['resolved', 'resolved'],
    customer_rated: [NO, NO],
    auto_close: [NO, NO],
    mark_spam: ['spam', 'spam'],
    not_spam: [NO, NO],
  },
  waiting: {
    claim: ['waiting', TAKEN],
    assign: ['waiting', 'waiting'],
    set_waiting: ['ready', 'ready'],
    wake: ['ready', 'ready'],
    timer_wake: ['ready', 'ready'],
    resolve: ['resolved', 'resolved'],
    reopen: [NO, NO],
    customer_message: ['ready', 'ready'],
    customer_ended_chat: ['resolved', 'resolved'],
    customer_rated: [NO, NO],
    auto_close: [NO, NO],
    mark_spam: ['spam', 'spam'],
    not_spam: [NO, NO],
  },
  resolved: {
    claim: [NO, NO],
    assign: [NO, NO],
    set_waiting: [NO, NO],
    wake: [NO, NO],
    timer_wake: [NO, NO],
    resolve: [NO, NO],
    reopen: ['new', 'ready'],
    customer_message: ['new', 'ready'],
    customer_ended_chat: [NO, NO],
    customer_rated: ['closed', 'closed'],
    auto_close: ['closed', 'closed'],
    mark_spam: ['spam', 'spam'],
    not_spam: [NO, NO],
  },
  closed: {
    claim: [NO, NO],
    assign: [NO, NO],
    set_waiting: [NO, NO],
    wake: [NO, NO],
    timer_wake: [NO, NO],
    resolve: [NO, NO],
    reopen: [NO, NO],
    customer_message: [FOLLOW_UP, FOLLOW_UP],
    customer_ended_chat: [NO, NO],
    customer_rated: [NO, NO],
    auto_close: [NO, NO],
    mark_spam: [NO, NO],
    not_spam: [NO, NO],
  },
  canceled: {
    claim: [NO, NO],
    assign: [NO, NO],
    set_waiting: [NO, NO],
    wake: [NO, NO],
    timer_wake: [NO, NO],
    resolve: [NO, NO],
    reopen: ['new', 'ready'],
    customer_message: [FOLLOW_UP, FOLLOW_UP],
    customer_ended_chat: [NO, NO],
    customer_rated: [NO, NO],
    auto_close: [NO, NO],
    mark_spam: ['spam', 'spam'],
    not_spam: [NO, NO],
  },
  // SPEC §13: spam is not open; more mail joins it; "not spam" opens it again as a reopen does.
  spam: {
    claim: [NO, NO],
    assign: [NO, NO],
    set_waiting: [NO, NO],
    wake: [NO, NO],
    timer_wake: [NO, NO],
    resolve: [NO, NO],
    reopen: [NO, NO],
    customer_message: ['spam', 'spam'],
    customer_ended_chat: [NO, NO],
    customer_rated: [NO, NO],
    auto_close: [NO, NO],
    mark_spam: [NO, NO],
    not_spam: ['new', 'ready'],
  },
};

/** Non-chat cases: the same, except that only chats can be ended or rated by the customer. */
const expectedFor = (type: CaseType, status: Status, kind: LifecycleEventKind, owned: boolean): Cell | null => {
  const chatOnly = kind === 'customer_ended_chat' || kind === 'customer_rated';
  const cell = CHAT[status][kind][owned ? 1 : 0];
  return chatOnly && type === 'email' && cell !== null ? NO : cell;
};

function actual(c: CaseFacts, o: Outcome): Cell {
  if (!o.ok) return o.code === 'already_claimed' ? TAKEN : o.code === 'transition_not_allowed' ? NO : (`unexpected ${o.code}` as Cell);
  if ('followUp' in o) return FOLLOW_UP;
  return o.changes.status ?? c.status;
}

const pairs = (['web_connect', 'email'] as const).flatMap((type) =>
  STATUSES.flatMap((status) =>
    LIFECYCLE_EVENT_KINDS.flatMap((kind) =>
      [false, true].flatMap((owned) => {
        const want = expectedFor(type, status, kind, owned);
        return want === null ? [] : [{ type, status, kind, owner: owned ? 'u1' : 'none', want }];
      }),
    ),
  ),
);

describe('LIFECYCLE table: every status × event kind', () => {
  it('has exactly one rule per status and event kind', () => {
    expect(Object.keys(LIFECYCLE).sort()).toEqual([...STATUSES].sort());
    for (const s of STATUSES) expect(Object.keys(LIFECYCLE[s]).sort()).toEqual([...LIFECYCLE_EVENT_KINDS].sort());
    expect(pairs).toHaveLength(2 * (STATUSES.length * LIFECYCLE_EVENT_KINDS.length * 2 - LIFECYCLE_EVENT_KINDS.length));
  });

  it.each(pairs)('$type $status (owner $owner) + $kind → $want', ({ type, status, kind, owner, want }) => {
    const c = caseIn(status, { type, ownerId: owner === 'none' ? null : owner });
    const o = transition(c, EVENT[kind], NOW);
    expect(actual(c, o)).toBe(want);
    if (!o.ok) {
      expect(o.detail).toMatch(/\S/);
      return;
    }
    const statusEvents = o.events.filter((e) => e.type === 'case.status_changed');
    if (want === c.status || want === FOLLOW_UP) expect(statusEvents).toEqual([]);
    else expect(statusEvents).toEqual([{ type: 'case.status_changed', data: expect.objectContaining({ from: status, to: want }) }]);
  });
});

describe('claim', () => {
  it('on a new case: owner set, new → ready, claimed and status events', () => {
    const o = transition(caseIn('new'), { kind: 'claim', actorId: 'u7' }, NOW);
    expect(o).toEqual({
      ok: true,
      changes: { ownerId: 'u7', status: 'ready' },
      events: [
        { type: 'case.claimed', data: { ownerId: 'u7' } },
        { type: 'case.status_changed', data: { from: 'new', to: 'ready', reason: 'claimed' } },
      ],
    });
  });

  it.each(['ready', 'waiting'] as const)('on an unowned %s case keeps the status (no status event)', (status) => {
    const o = transition(caseIn(status), { kind: 'claim', actorId: 'u7' }, NOW);
    expect(o).toEqual({ ok: true, changes: { ownerId: 'u7', status }, events: [{ type: 'case.claimed', data: { ownerId: 'u7' } }] });
  });

  it.each([
    { status: 'ready', owner: 'u1', actor: 'u7' },
    { status: 'waiting', owner: 'u1', actor: 'u7' },
    { status: 'ready', owner: 'u7', actor: 'u7' },
  ] as const)('on a $status case owned by $owner, claimed by $actor → already_claimed', ({ status, owner, actor }) => {
    const o = transition(caseIn(status, { ownerId: owner }), { kind: 'claim', actorId: actor }, NOW);
    expect(o).toMatchObject({ ok: false, code: 'already_claimed' });
  });
});

describe('assign', () => {
  const assign = (c: CaseFacts, teamId: string, ownerId: string | null) =>
    transition(c, { kind: 'assign', teamId, ownerId, ownerIsMember: true }, NOW);

  it('an owner on a new case → ready', () => {
    expect(assign(caseIn('new'), 't1', 'u2')).toEqual({
      ok: true,
      changes: { teamId: 't1', ownerId: 'u2', status: 'ready' },
      events: [
        { type: 'case.assigned', data: { from: null, to: 'u2' } },
        { type: 'case.status_changed', data: { from: 'new', to: 'ready', reason: 'assigned' } },
      ],
    });
  });

  it('another owner on a ready case: status unchanged, assigned from → to', () => {
    expect(assign(caseIn('ready', { ownerId: 'u1' }), 't1', 'u2')).toEqual({
      ok: true,
      changes: { teamId: 't1', ownerId: 'u2', status: 'ready' },
      events: [{ type: 'case.assigned', data: { from: 'u1', to: 'u2' } }],
    });
  });

  it.each(['ready', 'waiting'] as const)('unassigning a %s case never returns it to new', (status) => {
    const c = caseIn(status, { ownerId: 'u1' });
    const o = assign(c, 't1', null);
    expect(o).toEqual({
      ok: true,
      changes: { teamId: 't1', ownerId: null, status },
      events: [{ type: 'case.unassigned', data: { from: 'u1' } }],
    });
  });

  it.each([
    { status: 'new', owner: null },
    { status: 'ready', owner: 'u1' },
    { status: 'ready', owner: null },
    { status: 'waiting', owner: 'u1' },
  ] as const)('moving a $status case (owner $owner) to another team without owner → new', ({ status, owner }) => {
    const o = assign(caseIn(status, { ownerId: owner }), 't2', null);
    if (!o.ok) throw new Error(o.detail);
    expect(o.changes).toMatchObject({ teamId: 't2', ownerId: null, status: 'new' });
    const expected = [
      { type: 'case.team_changed', data: { from: 't1', to: 't2' } },
      ...(owner ? [{ type: 'case.unassigned', data: { from: owner } }] : []),
      ...(status === 'new' ? [] : [{ type: 'case.status_changed', data: { from: status, to: 'new', reason: 'assigned' } }]),
    ];
    expect(o.events).toEqual(expected);
  });

  it('a waiting case moved to another team as new loses its wake time (no stale timer)', () => {
    const o = assign(caseIn('waiting', { ownerId: 'u1', wakeAt: later(DAY) }), 't2', null);
    expect(o).toMatchObject({ ok: true, changes: { status: 'new', wakeAt: null } });
  });

  it('moving team with an owner keeps the status and the wake time', () => {
    const o = assign(caseIn('waiting', { ownerId: 'u1', wakeAt: later(DAY) }), 't2', 'u2');
    expect(o).toEqual({
      ok: true,
      changes: { teamId: 't2', ownerId: 'u2', status: 'waiting' },
      events: [
        { type: 'case.team_changed', data: { from: 't1', to: 't2' } },
        { type: 'case.assigned', data: { from: 'u1', to: 'u2' } },
      ],
    });
  });

  it('moving a new case to another team and an owner → ready', () => {
    const o = assign(caseIn('new'), 't2', 'u2');
    expect(o).toMatchObject({ ok: true, changes: { teamId: 't2', ownerId: 'u2', status: 'ready' } });
  });

  it('assigning what is already there changes nothing and records nothing', () => {
    expect(assign(caseIn('ready', { ownerId: 'u1' }), 't1', 'u1')).toEqual({ ok: true, changes: {}, events: [] });
    expect(assign(caseIn('new'), 't1', null)).toEqual({ ok: true, changes: {}, events: [] });
  });
});

describe('spam', () => {
  it('marking an owned waiting case: spam, wake time dropped, owner kept, the time it became spam', () => {
    const o = transition(caseIn('waiting', { ownerId: 'u1', wakeAt: later(DAY) }), { kind: 'mark_spam' }, NOW);
    expect(o).toEqual({
      ok: true,
      changes: { status: 'spam', wakeAt: null, resolution: null, resolutionReason: null, resolvedAt: null, spamAt: NOW },
      events: [{ type: 'case.status_changed', data: { from: 'waiting', to: 'spam', reason: 'spam' } }],
    });
  });

  it('mail that arrives as spam records why', () => {
    const o = transition(caseIn('new'), { kind: 'mark_spam', reason: 'dmarc_reject' }, NOW);
    expect(o).toMatchObject({
      ok: true,
      events: [{ type: 'case.status_changed', data: { from: 'new', to: 'spam', reason: 'dmarc_reject' } }],
    });
  });

  it('a resolved case marked as spam is no longer solved', () => {
    const o = transition(caseIn('resolved', { ownerId: 'u1' }), { kind: 'mark_spam' }, NOW);
    expect(o).toMatchObject({ ok: true, changes: { status: 'spam', resolution: null, resolvedAt: null } });
  });

  it.each([
    { owner: null, to: 'new' },
    { owner: 'u1', to: 'ready' },
  ] as const)('not spam (owner $owner) → $to, the spam time cleared', ({ owner, to }) => {
    const o = transition(caseIn('spam', { ownerId: owner }), { kind: 'not_spam' }, NOW);
    expect(o).toEqual({
      ok: true,
      changes: { status: to, spamAt: null },
      events: [{ type: 'case.status_changed', data: { from: 'spam', to, reason: 'not_spam' } }],
    });
  });

  it('a customer message on a spam case changes nothing and records nothing', () => {
    expect(transition(caseIn('spam'), { kind: 'customer_message' }, NOW)).toEqual({ ok: true, changes: {}, events: [] });
  });
});
