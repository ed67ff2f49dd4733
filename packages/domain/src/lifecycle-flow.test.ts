import { describe, expect, it } from 'vitest';
import { initialStatus, transition } from './lifecycle.ts';
import type { LifecycleEvent } from './lifecycle.ts';
import type { CaseFacts, Status } from './types.ts';

const NOW = new Date('2026-03-10T14:00:00.000Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const later = (ms: number) => new Date(NOW.getTime() + ms);

function aCase(over: Partial<CaseFacts> = {}): CaseFacts {
  return {
    id: 'c1',
    type: 'web_connect',
    status: 'ready',
    resolution: null,
    resolutionReason: null,
    teamId: 't1',
    ownerId: 'u1',
    collaboratorIds: [],
    createdAt: ago(DAY),
    resolvedAt: null,
    wakeAt: null,
    ...over,
  };
}
const run = (c: CaseFacts, e: LifecycleEvent) => transition(c, e, NOW);
const statusEvent = (from: Status, to: Status, reason: string) => ({ type: 'case.status_changed', data: { from, to, reason } });

describe('set waiting', () => {
  it.each(['new', 'ready'] as const)('%s → waiting with the wake time', (status) => {
    const wakeAt = later(2 * DAY);
    expect(run(aCase({ status, ownerId: status === 'new' ? null : 'u1' }), { kind: 'set_waiting', wakeAt })).toEqual({
      ok: true,
      changes: { status: 'waiting', wakeAt },
      events: [statusEvent(status, 'waiting', 'set_waiting')],
    });
  });

  it('without a wake time', () => {
    expect(run(aCase(), { kind: 'set_waiting', wakeAt: null })).toMatchObject({ ok: true, changes: { status: 'waiting', wakeAt: null } });
  });

  it.each([
    { when: 'in the past', wakeAt: ago(MINUTE) },
    { when: 'exactly now', wakeAt: NOW },
    { when: 'an invalid date', wakeAt: new Date('not a date') },
  ])('a wake time $when → validation_failed', ({ wakeAt }) => {
    expect(run(aCase(), { kind: 'set_waiting', wakeAt })).toMatchObject({ ok: false, code: 'validation_failed' });
  });

  it('one millisecond in the future is accepted', () => {
    expect(run(aCase(), { kind: 'set_waiting', wakeAt: later(1) })).toMatchObject({ ok: true, changes: { status: 'waiting' } });
  });

  it('pressed again on a waiting case → ready, wake time cleared (whatever wake time is given)', () => {
    const c = aCase({ status: 'waiting', wakeAt: later(DAY) });
    for (const wakeAt of [null, later(3 * DAY), ago(DAY)]) {
      expect(run(c, { kind: 'set_waiting', wakeAt })).toEqual({
        ok: true,
        changes: { status: 'ready', wakeAt: null },
        events: [statusEvent('waiting', 'ready', 'set_waiting_again')],
      });
    }
  });
});

describe('wake', () => {
  it('a waiting case woken by hand → ready, never new (even without owner)', () => {
    expect(run(aCase({ status: 'waiting', ownerId: null, wakeAt: later(DAY) }), { kind: 'wake' })).toEqual({
      ok: true,
      changes: { status: 'ready', wakeAt: null },
      events: [statusEvent('waiting', 'ready', 'woken')],
    });
  });

  it.each([
    { when: 'exactly at the wake time', wakeAt: NOW },
    { when: 'after the wake time (server was down)', wakeAt: ago(3 * DAY) },
  ])('the timer $when → ready', ({ wakeAt }) => {
    expect(run(aCase({ status: 'waiting', wakeAt }), { kind: 'timer_wake' })).toEqual({
      ok: true,
      changes: { status: 'ready', wakeAt: null },
      events: [statusEvent('waiting', 'ready', 'wake_time_reached')],
    });
  });

  it.each([
    { when: 'before the wake time (stale or early job)', wakeAt: later(1) },
    { when: 'on a case waiting without wake time', wakeAt: null },
  ])('the timer $when is refused', ({ wakeAt }) => {
    expect(run(aCase({ status: 'waiting', wakeAt }), { kind: 'timer_wake' })).toMatchObject({ ok: false, code: 'transition_not_allowed' });
  });
});

describe('resolve', () => {
  it.each([
    { from: 'new', owner: null, resolution: 'completed', to: 'resolved' },
    { from: 'ready', owner: 'u1', resolution: 'completed', to: 'resolved' },
    { from: 'waiting', owner: 'u1', resolution: 'unresolved', to: 'resolved' },
    { from: 'ready', owner: 'u1', resolution: 'unresolved', to: 'resolved' },
    { from: 'new', owner: null, resolution: 'canceled', to: 'canceled' },
    { from: 'waiting', owner: 'u1', resolution: 'canceled', to: 'canceled' },
  ] as const)('$from with $resolution → $to, resolvedAt = now', ({ from, owner, resolution, to }) => {
    const c = aCase({ status: from, ownerId: owner, wakeAt: from === 'waiting' ? later(DAY) : null });
    expect(run(c, { kind: 'resolve', resolution })).toEqual({
      ok: true,
      changes: { status: to, resolution, resolutionReason: null, resolvedAt: NOW, wakeAt: null },
      events: [statusEvent(from, to, to === 'canceled' ? 'canceled' : 'resolved')],
    });
  });
});

describe('the customer ends a chat', () => {
  const rating = { stars: 5, note: 'Quick and kind' };
  const answered = { resolution: 'completed', resolutionReason: null } as const;
  const abandoned = { resolution: 'unresolved', resolutionReason: 'abandoned' } as const;

  // SPEC §15: ended before any agent replied, a chat is abandoned, never solved.
  it.each([
    { type: 'web_connect', status: 'ready', agentReplied: true, want: answered, reason: 'resolved' },
    { type: 'support_sdk', status: 'ready', agentReplied: true, want: answered, reason: 'resolved' },
    { type: 'web_connect', status: 'waiting', agentReplied: true, want: answered, reason: 'resolved' },
    { type: 'web_connect', status: 'new', agentReplied: false, want: abandoned, reason: 'abandoned' },
    { type: 'web_connect', status: 'ready', agentReplied: false, want: abandoned, reason: 'abandoned' },
    { type: 'support_sdk', status: 'ready', agentReplied: false, want: abandoned, reason: 'abandoned' },
    { type: 'support_sdk', status: 'waiting', agentReplied: false, want: abandoned, reason: 'abandoned' },
  ] as const)(
    '$type, $status, agent replied: $agentReplied, no rating → resolved $want.resolution',
    ({ type, status, agentReplied, want, reason }) => {
      const c = aCase({ type, status, ownerId: status === 'new' ? null : 'u1' });
      expect(run(c, { kind: 'customer_ended_chat', agentReplied, rating: null })).toEqual({
        ok: true,
        changes: { status: 'resolved', ...want, resolvedAt: NOW, wakeAt: null },
        events: [statusEvent(status, 'resolved', reason)],
      });
    },
  );

  it.each([
    { status: 'new', agentReplied: false, want: abandoned },
    { status: 'ready', agentReplied: true, want: answered },
    { status: 'ready', agentReplied: false, want: abandoned },
    { status: 'waiting', agentReplied: true, want: answered },
  ] as const)(
    '$status chat with a rating, agent replied: $agentReplied → closed, rating stored, $want.resolution',
    ({ status, agentReplied, want }) => {
      const c = aCase({ status, ownerId: status === 'new' ? null : 'u1' });
      expect(run(c, { kind: 'customer_ended_chat', agentReplied, rating })).toEqual({
        ok: true,
        changes: { status: 'closed', ...want, resolvedAt: NOW, wakeAt: null, rating },
        events: [{ type: 'case.rated', data: { stars: 5, note: 'Quick and kind' } }, statusEvent(status, 'closed', 'rated')],
      });
    },
  );

  it.each([0, 6, 2.5, -1, Number.NaN])('a rating of %s stars → validation_failed', (stars) => {
    for (const agentReplied of [true, false]) {
      expect(run(aCase(), { kind: 'customer_ended_chat', agentReplied, rating: { stars, note: null } })).toMatchObject({
        ok: false,
        code: 'validation_failed',
      });
    }
  });

  it.each(['phone', 'email', 'sms', 'platform'] as const)('a %s case cannot be ended (with or without rating)', (type) => {
    for (const r of [null, rating]) {
      for (const agentReplied of [true, false]) {
        expect(run(aCase({ type }), { kind: 'customer_ended_chat', agentReplied, rating: r })).toMatchObject({
          ok: false,
          code: 'transition_not_allowed',
        });
      }
    }
  });

  it('an agent resolving an abandoned chat again is refused; reopening clears the reason', () => {
    const c = aCase({ status: 'resolved', resolution: 'unresolved', resolutionReason: 'abandoned', resolvedAt: ago(HOUR) });
    expect(run(c, { kind: 'resolve', resolution: 'completed' })).toMatchObject({ ok: false });
    expect(run(c, { kind: 'reopen' })).toMatchObject({
      ok: true,
      changes: { status: 'ready', resolution: null, resolutionReason: null, resolvedAt: null },
    });
  });
});

describe('the customer rates a resolved chat', () => {
  const resolved = aCase({ status: 'resolved', resolution: 'unresolved', resolvedAt: ago(HOUR) });

  it.each([1, 2, 3, 4, 5])('%s stars → closed, rating stored, resolution and resolvedAt kept', (stars) => {
    expect(run(resolved, { kind: 'customer_rated', rating: { stars, note: null } })).toEqual({
      ok: true,
      changes: {
        status: 'closed',
        resolution: 'unresolved',
        resolutionReason: null,
        resolvedAt: ago(HOUR),
        wakeAt: null,
        rating: { stars, note: null },
      },
      events: [{ type: 'case.rated', data: { stars, note: null } }, statusEvent('resolved', 'closed', 'rated')],
    });
  });

  it('out-of-range stars → validation_failed', () => {
    expect(run(resolved, { kind: 'customer_rated', rating: { stars: 0, note: null } })).toMatchObject({
      ok: false,
      code: 'validation_failed',
    });
  });

  it('a resolved non-chat case cannot be rated', () => {
    const c = { ...resolved, type: 'email' as const };
    expect(run(c, { kind: 'customer_rated', rating: { stars: 3, note: null } })).toMatchObject({
      ok: false,
      code: 'transition_not_allowed',
    });
  });

  it('rating an abandoned chat keeps it abandoned', () => {
    const c = { ...resolved, resolutionReason: 'abandoned' as const };
    expect(run(c, { kind: 'customer_rated', rating: { stars: 2, note: null } })).toMatchObject({
      ok: true,
      changes: { status: 'closed', resolution: 'unresolved', resolutionReason: 'abandoned' },
    });
  });

  it('a closed chat cannot be rated twice', () => {
    const c = { ...resolved, status: 'closed' as const };
    expect(run(c, { kind: 'customer_rated', rating: { stars: 3, note: null } })).toMatchObject({
      ok: false,
      code: 'transition_not_allowed',
    });
  });
});

describe('reopen and customer messages', () => {
  it.each([
    { from: 'resolved', owner: 'u1', kind: 'reopen', to: 'ready', reason: 'reopened' },
    { from: 'resolved', owner: null, kind: 'reopen', to: 'new', reason: 'reopened' },
    { from: 'canceled', owner: 'u1', kind: 'reopen', to: 'ready', reason: 'reopened' },
    { from: 'canceled', owner: null, kind: 'reopen', to: 'new', reason: 'reopened' },
    { from: 'resolved', owner: 'u1', kind: 'customer_message', to: 'ready', reason: 'customer_message' },
    { from: 'resolved', owner: null, kind: 'customer_message', to: 'new', reason: 'customer_message' },
  ] as const)('$kind on $from (owner $owner) → $to, resolution cleared', ({ from, owner, kind, to, reason }) => {
    const c = aCase({ status: from, ownerId: owner, resolution: from === 'canceled' ? 'canceled' : 'completed', resolvedAt: ago(HOUR) });
    expect(run(c, { kind })).toEqual({
      ok: true,
      changes: { status: to, resolution: null, resolutionReason: null, resolvedAt: null },
      events: [statusEvent(from, to, reason)],
    });
  });

  it('a customer message on a waiting case → ready (never new, even unowned)', () => {
    for (const ownerId of ['u1', null]) {
      expect(run(aCase({ status: 'waiting', ownerId, wakeAt: later(DAY) }), { kind: 'customer_message' })).toEqual({
        ok: true,
        changes: { status: 'ready', wakeAt: null },
        events: [statusEvent('waiting', 'ready', 'customer_message')],
      });
    }
  });

  it.each([
    { status: 'new', ownerId: null },
    { status: 'ready', ownerId: 'u1' },
  ] as const)('a customer message on a $status case changes nothing', ({ status, ownerId }) => {
    expect(run(aCase({ status, ownerId }), { kind: 'customer_message' })).toEqual({ ok: true, changes: {}, events: [] });
  });

  it.each(['closed', 'canceled'] as const)('a customer message on a %s case starts a linked follow-up', (status) => {
    const c = aCase({ status, resolution: 'completed', resolvedAt: ago(DAY) });
    expect(run(c, { kind: 'customer_message' })).toEqual({ ok: true, followUp: true, changes: {}, events: [] });
  });
});

describe('auto-close', () => {
  const resolved = aCase({ status: 'resolved', resolution: 'completed', resolvedAt: ago(20 * DAY) });
  const autoClose = (days: number, lastActivityAt: Date) => run(resolved, { kind: 'auto_close', autoCloseDays: days, lastActivityAt });

  it.each([
    { days: 14, idle: 14 * DAY, closes: true },
    { days: 14, idle: 30 * DAY, closes: true },
    { days: 14, idle: 14 * DAY - 1, closes: false },
    { days: 14, idle: 13 * DAY, closes: false },
    { days: 3, idle: 3 * DAY, closes: true },
    { days: 3, idle: 2 * DAY, closes: false },
  ])('after $idle ms idle with a $days-day setting: closes = $closes', ({ days, idle, closes }) => {
    const o = autoClose(days, ago(idle));
    if (closes) expect(o).toEqual({ ok: true, changes: { status: 'closed' }, events: [statusEvent('resolved', 'closed', 'auto_closed')] });
    else expect(o).toMatchObject({ ok: false, code: 'transition_not_allowed' });
  });

  it('nonsense input (invalid activity date or NaN days) never closes', () => {
    expect(autoClose(14, new Date(Number.NaN))).toMatchObject({ ok: false });
    expect(autoClose(Number.NaN, ago(30 * DAY))).toMatchObject({ ok: false });
  });
});

describe('initialStatus', () => {
  it('created without owner → new; with owner → ready', () => {
    expect(initialStatus(null)).toBe('new');
    expect(initialStatus('u1')).toBe('ready');
  });
});
