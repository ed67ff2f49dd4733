import { describe, expect, it } from 'vitest';
import { guardReason, pickNext, slaGuarded, type Candidate } from './routing.ts';
import type { CaseType } from './types.ts';

/** The SLA guard for Next Unassigned (SPEC §12, `slaGuard`): urgent first responses before the §3.1 order. */
const NOW = new Date('2026-03-10T12:00:00Z');
const cand = (id: string, type: CaseType, createdAt: string, soon?: string, due?: string): Candidate => ({
  id,
  type,
  createdAt: new Date(createdAt),
  firstResponseSoonAt: soon ? new Date(soon) : null,
  firstResponseDueAt: due ? new Date(due) : null,
});

describe('SLA guard (SPEC §12)', () => {
  const queue = [
    cand('fresh-chat', 'web_connect', '2026-03-10T11:50:00Z', '2026-03-10T12:38:00Z', '2026-03-10T12:50:00Z'),
    cand('soon-mail', 'email', '2026-03-10T11:10:00Z', '2026-03-10T11:58:00Z', '2026-03-10T12:10:00Z'),
    cand('late-sms', 'sms', '2026-03-09T10:00:00Z', '2026-03-09T10:48:00Z', '2026-03-09T11:00:00Z'),
    cand('no-target', 'phone', '2026-03-10T09:00:00Z'),
  ];

  it('off (the default), §3.1 holds exactly', () => {
    expect(pickNext(queue, 'UTC', NOW)).toEqual({ case: queue[0], reason: 'Web chat · newest of 3 created today', createdToday: true });
    expect(pickNext(queue, 'UTC', NOW, { slaGuard: false })).toEqual(pickNext(queue, 'UTC', NOW));
  });

  it('on, the most urgent of the due-soon and breached first responses comes first, and the reason says why', () => {
    expect(pickNext(queue, 'UTC', NOW, { slaGuard: true })).toEqual({
      case: queue[2],
      reason: 'SMS · first response breached · most urgent of 2',
      createdToday: false,
      guarded: true,
    });
    const rest = queue.filter((c) => c.id !== 'late-sms');
    expect(pickNext(rest, 'UTC', NOW, { slaGuard: true })).toMatchObject({
      case: { id: 'soon-mail' },
      reason: 'Email · first response due soon',
    });
    const calm = rest.filter((c) => c.id !== 'soon-mail');
    expect(pickNext(calm, 'UTC', NOW, { slaGuard: true })).toEqual(pickNext(calm, 'UTC', NOW));
  });

  it('due soon from its due-soon time on; equal due times break by id', () => {
    const c = queue[0]!;
    expect(slaGuarded(c, new Date('2026-03-10T12:37:59Z'))).toBe(false);
    expect(slaGuarded(c, new Date('2026-03-10T12:38:00Z'))).toBe(true);
    expect(slaGuarded(queue[3]!, NOW)).toBe(false);
    const twins = [
      cand('b', 'email', '2026-03-10T08:00:00Z', '2026-03-10T11:00:00Z', '2026-03-10T13:00:00Z'),
      cand('a', 'sms', '2026-03-10T09:00:00Z', '2026-03-10T11:30:00Z', '2026-03-10T13:00:00Z'),
    ];
    expect(pickNext(twins, 'UTC', NOW, { slaGuard: true })?.case.id).toBe('a');
  });

  it.each([
    ['email', true, 1, 'Email · first response breached'],
    ['web_connect', false, 3, 'Web chat · first response due soon · most urgent of 3'],
  ] as const)('guardReason(%s, %s, %s) = %s', (type, breached, n, text) => {
    expect(guardReason(type, breached, n)).toBe(text);
  });
});
