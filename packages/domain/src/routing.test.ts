import { describe, expect, it } from 'vitest';
import { nextReason, pickNext } from './routing.ts';
import type { Candidate } from './routing.ts';
import { CASE_TYPES, TYPE_RANK } from './types.ts';
import type { CaseType } from './types.ts';

const cand = (id: string, type: CaseType, createdAt: string): Candidate => ({ id, type, createdAt: new Date(createdAt) });
const pickId = (cs: Candidate[], zone: string, now: string) => pickNext(cs, zone, new Date(now))?.case.id ?? null;

describe('type rank (SPEC §1)', () => {
  it('web_connect 1, support_sdk 2, phone 3, email 4, sms 5, platform 6', () => {
    expect(TYPE_RANK).toEqual({ web_connect: 1, support_sdk: 2, phone: 3, email: 4, sms: 5, platform: 6 });
    expect([...CASE_TYPES]).toEqual(['web_connect', 'support_sdk', 'phone', 'email', 'sms', 'platform']);
  });
});

describe('SPEC §3.1 example (Europe/Berlin)', () => {
  const cases = [
    cand('email-today-0900', 'email', '2026-03-10T08:00:00Z'),
    cand('sms-today-1400', 'sms', '2026-03-10T13:00:00Z'),
    cand('chat-yesterday', 'web_connect', '2026-03-09T10:00:00Z'),
  ];

  it("at 15:00 local: today has candidates, email (4) beats SMS (5), yesterday's chat is not considered", () => {
    expect(pickNext(cases, 'Europe/Berlin', new Date('2026-03-10T14:00:00Z'))).toEqual({
      case: cases[0],
      reason: 'Email · newest of 2 created today',
      createdToday: true,
    });
  });

  it('next morning 08:00 local, nothing new today: the web_connect case from two days ago', () => {
    expect(pickNext(cases, 'Europe/Berlin', new Date('2026-03-11T07:00:00Z'))).toEqual({
      case: cases[2],
      reason: 'Web chat · oldest of 3 waiting, none created today',
      createdToday: false,
    });
  });
});

describe('rank order across the six types', () => {
  const NOW = '2026-03-10T12:00:00Z';
  // Created so that time order is the reverse of rank order: rank must win over time in both rules.
  const today = CASE_TYPES.map((t, i) => cand(`today-${t}`, t, `2026-03-10T0${5 - i}:00:00Z`));
  const older = CASE_TYPES.map((t, i) => cand(`old-${t}`, t, `2026-03-0${8 - i}T12:00:00Z`));

  it.each(CASE_TYPES.map((t, i) => [t, i] as const))('with types from %s down left, %s is picked (today and otherwise)', (type, i) => {
    expect(pickId(today.slice(i), 'UTC', NOW)).toBe(`today-${type}`);
    expect(pickId(older.slice(i), 'UTC', NOW)).toBe(`old-${type}`);
    expect(pickId([...today.slice(i)].reverse(), 'UTC', NOW)).toBe(`today-${type}`);
  });
});

describe('within one type', () => {
  const NOW = '2026-03-10T18:00:00Z';
  it('today: the newest', () => {
    const cs = [
      cand('a', 'email', '2026-03-10T09:00:00Z'),
      cand('b', 'email', '2026-03-10T11:00:00Z'),
      cand('c', 'email', '2026-03-10T10:00:00Z'),
      cand('d', 'email', '2026-03-09T23:00:00Z'),
    ];
    expect(pickId(cs, 'UTC', NOW)).toBe('b');
  });

  it('none today: the oldest', () => {
    const cs = [
      cand('a', 'phone', '2026-03-08T09:00:00Z'),
      cand('b', 'phone', '2026-03-07T09:00:00Z'),
      cand('c', 'phone', '2026-03-09T09:00:00Z'),
    ];
    expect(pickId(cs, 'UTC', NOW)).toBe('b');
  });

  it('equal createdAt: id descending today, ascending otherwise', () => {
    const t = '2026-03-10T09:00:00Z';
    const todayTie = [cand('c-2', 'sms', t), cand('c-9', 'sms', t), cand('c-5', 'sms', t)];
    expect(pickId(todayTie, 'UTC', NOW)).toBe('c-9');
    const y = '2026-03-05T09:00:00Z';
    const oldTie = [cand('c-5', 'sms', y), cand('c-9', 'sms', y), cand('c-2', 'sms', y)];
    expect(pickId(oldTie, 'UTC', NOW)).toBe('c-2');
  });

  it('ids only break ties: an older case with a larger id does not win today', () => {
    const cs = [cand('z', 'sms', '2026-03-10T09:00:00Z'), cand('a', 'sms', '2026-03-10T09:00:00.001Z')];
    expect(pickId(cs, 'UTC', NOW)).toBe('a');
  });
});

describe('"today" is the viewing user\'s local day', () => {
  const lateChat = (at: string) => cand('chat-late-yesterday', 'web_connect', at);
  const sms = (at: string) => cand('sms', 'sms', at);
  const NOW = '2026-03-09T23:30:00Z'; // 00:30 in Berlin on the 10th, still the 9th in UTC

  it('Berlin: 00:00 local today counts as today; 23:59 yesterday does not', () => {
    expect(pickId([lateChat('2026-03-09T22:59:00Z'), sms('2026-03-09T23:00:00Z')], 'Europe/Berlin', NOW)).toBe('sms');
  });

  it('Berlin: one ms before local midnight is yesterday', () => {
    expect(pickId([lateChat('2026-03-09T22:59:00Z'), sms('2026-03-09T22:59:59.999Z')], 'Europe/Berlin', NOW)).toBe('chat-late-yesterday');
  });

  it('the same data in UTC: both are today, the chat ranks first', () => {
    expect(pickId([lateChat('2026-03-09T22:59:00Z'), sms('2026-03-09T23:00:00Z')], 'UTC', NOW)).toBe('chat-late-yesterday');
  });

  it('Kiritimati (UTC+14) and Pago Pago (UTC−11) see different days for the same data', () => {
    const cs = [cand('chat', 'web_connect', '2026-03-09T12:00:00Z'), cand('mail', 'email', '2026-03-10T10:15:00Z')];
    const now = new Date('2026-03-10T10:30:00Z'); // Kiritimati: 11th 00:30; Pago Pago: 9th 23:30
    expect(pickNext(cs, 'Pacific/Kiritimati', now)).toMatchObject({ case: { id: 'mail' }, reason: 'Email · newest of 1 created today' });
    expect(pickNext(cs, 'Pacific/Pago_Pago', now)).toMatchObject({ case: { id: 'chat' }, reason: 'Web chat · newest of 2 created today' });
    expect(pickNext(cs, 'UTC', now)).toMatchObject({ case: { id: 'mail' }, createdToday: true });
  });
});

describe('daylight-saving days', () => {
  it.each([
    // zone, now, first instant of the local day, expectation
    ['Europe/Berlin', '2026-03-29T21:30:00Z', '2026-03-28T23:00:00Z'], // 23-hour day
    ['Europe/Berlin', '2026-10-25T22:59:00Z', '2026-10-24T22:00:00Z'], // 25-hour day, 23:59 local
    ['America/New_York', '2026-03-09T03:59:00Z', '2026-03-08T05:00:00Z'],
    ['America/New_York', '2026-11-02T04:59:00Z', '2026-11-01T04:00:00Z'],
    ['America/Santiago', '2026-09-06T15:00:00Z', '2026-09-06T04:00:00Z'], // the day starts at 01:00
    ['Australia/Lord_Howe', '2026-10-04T12:00:00Z', '2026-10-03T13:30:00Z'],
  ])('%s at %s: a case at %s is today, one ms earlier is not', (zone, now, start) => {
    const startMs = new Date(start).getTime();
    const chatBefore = cand('chat-before', 'web_connect', new Date(startMs - 1).toISOString());
    const phoneAtStart = cand('phone-at-start', 'phone', start);
    expect(pickId([chatBefore, phoneAtStart], zone, now)).toBe('phone-at-start');
    const phoneJustBefore = cand('phone-before', 'phone', new Date(startMs - 1).toISOString());
    expect(pickId([chatBefore, phoneJustBefore], zone, now)).toBe('chat-before');
  });

  it('Berlin fall-back night: one minute after 23:59 local is a new day with nothing today', () => {
    const cs = [cand('chat-24th', 'web_connect', '2026-10-24T21:00:00Z'), cand('sms-25th', 'sms', '2026-10-24T22:00:00Z')];
    expect(pickId(cs, 'Europe/Berlin', '2026-10-25T22:59:00Z')).toBe('sms-25th');
    expect(pickId(cs, 'Europe/Berlin', '2026-10-25T23:00:00Z')).toBe('chat-24th');
  });
});

describe('result shape and reasons', () => {
  it('no candidates → null', () => {
    expect(pickNext([], 'Europe/Berlin', new Date('2026-03-10T12:00:00Z'))).toBeNull();
  });

  it("returns the caller's own object and leaves the input order alone", () => {
    const cs = [
      { ...cand('b', 'sms', '2026-03-01T00:00:00Z'), subject: 'B' },
      { ...cand('a', 'phone', '2026-03-02T00:00:00Z'), subject: 'A' },
    ];
    const copy = [...cs];
    const pick = pickNext(cs, 'UTC', new Date('2026-03-10T12:00:00Z'));
    expect(pick?.case).toBe(cs[1]);
    expect(pick?.case.subject).toBe('A');
    expect(cs).toEqual(copy);
  });

  it.each([
    ['web_connect', true, 3, 'Web chat · newest of 3 created today'],
    ['support_sdk', true, 1, 'In-app chat · newest of 1 created today'],
    ['phone', false, 2, 'Phone · oldest of 2 waiting, none created today'],
    ['email', false, 7, 'Email · oldest of 7 waiting, none created today'],
    ['sms', true, 4, 'SMS · newest of 4 created today'],
    ['platform', false, 1, 'Platform · oldest of 1 waiting, none created today'],
  ] as const)('nextReason(%s, %s, %s) = %s', (type, today, n, text) => {
    expect(nextReason(type, today, n)).toBe(text);
  });

  it('the reason counts the whole pool of the rule that applied (all types)', () => {
    const cs = [
      cand('a', 'sms', '2026-03-10T09:00:00Z'),
      cand('b', 'phone', '2026-03-10T08:00:00Z'),
      cand('c', 'platform', '2026-03-10T07:00:00Z'),
      cand('d', 'web_connect', '2026-03-01T07:00:00Z'),
    ];
    expect(pickNext(cs, 'UTC', new Date('2026-03-10T12:00:00Z'))?.reason).toBe('Phone · newest of 3 created today');
  });
});
