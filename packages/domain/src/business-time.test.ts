import { describe, expect, it } from 'vitest';
import { addBusinessTime, businessTimeBetween, type Calendar, checkCalendar, isOpenAt } from './business-time.ts';
import { localParts } from './time.ts';

const MIN = 60_000;
const H = 60 * MIN;
const at = (s: string) => new Date(s);
const iso = (d: Date) => d.toISOString();

const weekdays = (start: string, end: string) => [1, 2, 3, 4, 5].map((day) => ({ day, start, end }));
const cal = (timeZone: string, hours: Calendar['hours'], holidays: string[] = []): Calendar => ({ timeZone, hours, holidays });

const OFFICE = (zone: string, holidays: string[] = []) => cal(zone, weekdays('09:00', '17:00'), holidays);
// A night desk: every night 22:00 → 06:00 of the next morning.
const NIGHTS = (zone: string) =>
  cal(
    zone,
    [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, start: '22:00', end: '06:00', overnight: true })),
  );
// A desk open 01:00–04:00 every day: it straddles the clock changes of Europe and North America.
const SMALL_HOURS = (zone: string) =>
  cal(
    zone,
    [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, start: '01:00', end: '04:00' })),
  );
const ALL_DAY = (zone: string) =>
  cal(
    zone,
    [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, start: '00:00', end: '24:00' })),
  );

/**
 * The definition, read minute by minute straight from the wall clock (independent of the
 * implementation's interval arithmetic): open when the local time is inside a period that started
 * on a non-holiday, today or (overnight) yesterday.
 */
function openByWallClock(c: Calendar, t: Date): boolean {
  const p = localParts(t, c.timeZone);
  const today = Date.UTC(p.year, p.month - 1, p.day);
  const minute = p.hour * 60 + p.minute;
  const toMin = (v: string) => Number(v.slice(0, 2)) * 60 + Number(v.slice(3));
  for (const [date, shift] of [
    [today, 0],
    [today - 86_400_000, 1440],
  ] as const) {
    const d = new Date(date);
    if (c.holidays.includes(d.toISOString().slice(0, 10))) continue;
    const weekday = ((d.getUTCDay() + 6) % 7) + 1;
    for (const h of c.hours) {
      if (h.day !== weekday) continue;
      const s = toMin(h.start);
      const e = toMin(h.end) + (h.overnight ? 1440 : 0);
      if (minute + shift >= s && minute + shift < e) return true;
    }
  }
  return false;
}

function minutesByWallClock(c: Calendar, from: Date, to: Date): number {
  let n = 0;
  for (let t = from.getTime(); t < to.getTime(); t += MIN) if (openByWallClock(c, new Date(t))) n++;
  return n;
}

/**
 * [zone, calendar, from, to, business minutes between]: worked out by hand. DST: Berlin 2026-03-29
 * 02:00→03:00 and 2026-10-25 03:00→02:00; New York 2026-03-08 02:00→03:00 and 2026-11-01 02:00→01:00;
 * Sydney 2026-04-05 03:00→02:00 and 2026-10-04 02:00→03:00; Kolkata has none (+05:30).
 */
const BETWEEN: ReadonlyArray<readonly [string, Calendar, string, string, number]> = [
  ['Berlin office, one day', OFFICE('Europe/Berlin'), '2026-03-10T08:00:00Z', '2026-03-10T16:00:00Z', 8 * 60],
  ['Berlin office, Friday to Monday', OFFICE('Europe/Berlin'), '2026-03-13T15:00:00Z', '2026-03-16T09:00:00Z', 60 + 60], // Fri 16:00–17:00, Mon 09:00–10:00
  ['Berlin office, holiday Monday', OFFICE('Europe/Berlin', ['2026-03-16']), '2026-03-13T15:00:00Z', '2026-03-17T09:00:00Z', 60 + 60],
  ['Berlin small hours, spring forward', SMALL_HOURS('Europe/Berlin'), '2026-03-28T22:00:00Z', '2026-03-29T22:00:00Z', 2 * 60], // 01:00–04:00 lasts 2 h
  ['Berlin small hours, fall back', SMALL_HOURS('Europe/Berlin'), '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z', 4 * 60], // lasts 4 h
  ['Berlin nights across the fall back', NIGHTS('Europe/Berlin'), '2026-10-24T12:00:00Z', '2026-10-25T12:00:00Z', 9 * 60],
  ['Berlin nights across the spring forward', NIGHTS('Europe/Berlin'), '2026-03-28T12:00:00Z', '2026-03-29T12:00:00Z', 7 * 60],
  ['New York small hours, spring forward', SMALL_HOURS('America/New_York'), '2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z', 2 * 60],
  ['New York small hours, fall back', SMALL_HOURS('America/New_York'), '2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z', 4 * 60],
  ['New York office over the change', OFFICE('America/New_York'), '2026-03-06T00:00:00Z', '2026-03-10T00:00:00Z', 2 * 8 * 60], // Fri 8 h (EST), Mon 8 h (EDT); the end is Mon 20:00 EDT
  ['Sydney small hours, fall back (April)', SMALL_HOURS('Australia/Sydney'), '2026-04-04T13:00:00Z', '2026-04-05T14:00:00Z', 4 * 60],
  ['Sydney small hours, spring forward (October)', SMALL_HOURS('Australia/Sydney'), '2026-10-03T14:00:00Z', '2026-10-04T13:00:00Z', 2 * 60],
  ['Kolkata office', OFFICE('Asia/Kolkata'), '2026-03-09T00:00:00Z', '2026-03-10T00:00:00Z', 8 * 60],
  ['Kolkata nights, a Monday', NIGHTS('Asia/Kolkata'), '2026-03-09T00:00:00Z', '2026-03-10T00:00:00Z', 8 * 60], // 00:00–05:30 and 22:00–24:00 +05:30 in UTC days
  ['always open over Berlin fall back', ALL_DAY('Europe/Berlin'), '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z', 25 * 60],
  ['nothing when reversed', OFFICE('Europe/Berlin'), '2026-03-10T16:00:00Z', '2026-03-10T08:00:00Z', 0],
];

describe('businessTimeBetween: hand-worked tables', () => {
  it.each(BETWEEN)('%s', (_name, c, from, to, minutes) => {
    expect(businessTimeBetween(c, at(from), at(to)) / MIN).toBe(minutes);
  });
});

describe('businessTimeBetween agrees with the wall clock minute by minute', () => {
  it.each(BETWEEN.filter((r) => r[4] > 0))('%s', (_name, c, from, to) => {
    expect(businessTimeBetween(c, at(from), at(to)) / MIN).toBe(minutesByWallClock(c, at(from), at(to)));
  });
});

/** [name, calendar, start, business minutes to add, due instant (UTC)]. */
const ADD: ReadonlyArray<readonly [string, Calendar, string, number, string]> = [
  ['Berlin office, same day', OFFICE('Europe/Berlin'), '2026-03-10T08:00:00Z', 60, '2026-03-10T09:00:00.000Z'],
  ['Berlin office, from the evening to next morning', OFFICE('Europe/Berlin'), '2026-03-10T18:00:00Z', 60, '2026-03-11T09:00:00.000Z'],
  ['Berlin office, over a weekend', OFFICE('Europe/Berlin'), '2026-03-13T15:00:00Z', 120, '2026-03-16T09:00:00.000Z'],
  [
    'Berlin office, over a weekend and a holiday',
    OFFICE('Europe/Berlin', ['2026-03-16']),
    '2026-03-13T15:00:00Z',
    120,
    '2026-03-17T09:00:00.000Z',
  ],
  [
    'Berlin office, Friday before summer time to Monday after',
    OFFICE('Europe/Berlin'),
    '2026-03-27T15:00:00Z',
    120,
    '2026-03-30T08:00:00.000Z',
  ], // Mon 10:00 CEST
  ['Berlin small hours, spring forward', SMALL_HOURS('Europe/Berlin'), '2026-03-29T00:00:00Z', 150, '2026-03-29T23:30:00.000Z'], // 2 h that night, then Mon 01:00 CEST (23:00Z) + 30
  ['Berlin small hours, fall back counts 4 h', SMALL_HOURS('Europe/Berlin'), '2026-10-24T23:00:00Z', 240, '2026-10-25T03:00:00.000Z'],
  ['Berlin nights, fall back night lasts 9 h', NIGHTS('Europe/Berlin'), '2026-10-24T20:00:00Z', 9 * 60, '2026-10-25T05:00:00.000Z'],
  ['New York office, spring forward weekend', OFFICE('America/New_York'), '2026-03-06T21:00:00Z', 120, '2026-03-09T14:00:00.000Z'], // Fri 16:00 EST + 1 h, Mon 09:00 EDT + 1 h
  ['New York small hours, fall back', SMALL_HOURS('America/New_York'), '2026-11-01T05:00:00Z', 240, '2026-11-01T09:00:00.000Z'],
  ['Kolkata office, half-hour zone', OFFICE('Asia/Kolkata'), '2026-03-10T03:00:00Z', 30, '2026-03-10T04:00:00.000Z'], // 08:30 IST → 09:30
  ['always open: real minutes', null as unknown as Calendar, '2026-03-29T00:00:00Z', 90, '2026-03-29T01:30:00.000Z'],
  ['zero from a closed instant is that instant', OFFICE('Europe/Berlin'), '2026-03-14T12:00:00Z', 0, '2026-03-14T12:00:00.000Z'],
];

describe('addBusinessTime: hand-worked tables', () => {
  it.each(ADD)('%s', (_name, c, start, minutes, due) => {
    expect(iso(addBusinessTime(c, at(start), minutes * MIN))).toBe(due);
  });

  it('Sydney office over the April change, with and without Good Friday', () => {
    // Thu 2026-04-02 16:00 AEDT (05:00Z): 1 h Thursday, 7 h Friday → Friday 16:00 AEDT (05:00Z).
    expect(iso(addBusinessTime(OFFICE('Australia/Sydney'), at('2026-04-02T05:00:00Z'), 8 * 60 * MIN))).toBe('2026-04-03T05:00:00.000Z');
    // With Good Friday as a holiday: 1 h Thursday, then Monday 09:00 AEST (after the change, +10) + 7 h.
    expect(iso(addBusinessTime(OFFICE('Australia/Sydney', ['2026-04-03']), at('2026-04-02T05:00:00Z'), 8 * 60 * MIN))).toBe(
      '2026-04-06T06:00:00.000Z',
    );
  });
});

describe('addBusinessTime is the inverse of businessTimeBetween', () => {
  const calendars = [
    OFFICE('Europe/Berlin', ['2026-10-26']),
    NIGHTS('America/New_York'),
    SMALL_HOURS('Australia/Sydney'),
    NIGHTS('Asia/Kolkata'),
    SMALL_HOURS('Europe/Berlin'),
  ];
  const starts = ['2026-03-27T21:17:00Z', '2026-10-23T23:59:00Z', '2026-04-03T12:00:00Z', '2026-10-02T03:33:00Z', '2026-11-01T05:30:00Z'];
  const amounts = [1, 59, 61, 181, 479, 960, 2401];
  it.each(calendars.map((c) => [c.timeZone, c] as const))('%s', (_zone, c) => {
    for (const s of starts) {
      for (const m of amounts) {
        const due = addBusinessTime(c, at(s), m * MIN);
        expect(businessTimeBetween(c, at(s), due)).toBe(m * MIN);
        // the due minute itself was open: nothing later would do
        expect(openByWallClock(c, new Date(due.getTime() - MIN))).toBe(true);
      }
    }
  });
});

describe('isOpenAt agrees with the wall clock around every change', () => {
  const cases: [Calendar, string][] = [
    [SMALL_HOURS('Europe/Berlin'), '2026-03-28T20:00:00Z'],
    [SMALL_HOURS('Europe/Berlin'), '2026-10-24T20:00:00Z'],
    [NIGHTS('America/New_York'), '2026-03-07T20:00:00Z'],
    [NIGHTS('America/New_York'), '2026-10-31T20:00:00Z'],
    [SMALL_HOURS('Australia/Sydney'), '2026-04-04T10:00:00Z'],
    [NIGHTS('Australia/Sydney'), '2026-10-03T08:00:00Z'],
    [OFFICE('Asia/Kolkata', ['2026-03-10']), '2026-03-09T00:00:00Z'],
  ];
  it.each(cases.map(([c, s]) => [c.timeZone, s, c] as const))('%s from %s, 36 h', (_zone, s, c) => {
    for (let t = at(s).getTime(); t < at(s).getTime() + 36 * H; t += 15 * MIN)
      expect(isOpenAt(c, new Date(t))).toBe(openByWallClock(c, new Date(t)));
  });
});

describe('checkCalendar', () => {
  const ok = { timeZone: 'Europe/Berlin', hours: weekdays('09:00', '17:00'), holidays: ['2026-12-25'] };
  it('accepts a calendar and spells the zone canonically', () => {
    const r = checkCalendar({ ...ok, timeZone: 'europe/berlin', holidays: ['2026-12-26', '2026-12-25', '2026-12-25'] });
    expect(r).toEqual({ ok: true, calendar: { timeZone: 'Europe/Berlin', hours: ok.hours, holidays: ['2026-12-25', '2026-12-26'] } });
  });
  it('accepts an overnight period, also from Sunday into Monday', () => {
    expect(
      checkCalendar({
        ...ok,
        hours: [
          { day: 7, start: '22:00', end: '06:00', overnight: true },
          { day: 1, start: '09:00', end: '17:00' },
        ],
      }).ok,
    ).toBe(true);
  });
  const BAD: ReadonlyArray<readonly [string, Record<string, unknown>, string]> = [
    ['unknown zone', { timeZone: 'Mars/Olympus' }, 'timeZone'],
    ['no hours', { hours: [] }, 'hours'],
    ['weekday 0', { hours: [{ day: 0, start: '09:00', end: '17:00' }] }, 'hours.0.day'],
    ['weekday 8', { hours: [{ day: 8, start: '09:00', end: '17:00' }] }, 'hours.0.day'],
    ['bad start', { hours: [{ day: 1, start: '9:00', end: '17:00' }] }, 'hours.0.start'],
    ['start 24:00', { hours: [{ day: 1, start: '24:00', end: '17:00' }] }, 'hours.0.start'],
    ['bad end', { hours: [{ day: 1, start: '09:00', end: '25:00' }] }, 'hours.0.end'],
    ['reversed', { hours: [{ day: 1, start: '17:00', end: '09:00' }] }, 'hours.0.end'],
    ['empty', { hours: [{ day: 1, start: '09:00', end: '09:00' }] }, 'hours.0.end'],
    ['overnight not reversed', { hours: [{ day: 1, start: '09:00', end: '17:00', overnight: true }] }, 'hours.0.end'],
    [
      'overlapping on a day',
      {
        hours: [
          { day: 1, start: '09:00', end: '12:00' },
          { day: 1, start: '11:00', end: '14:00' },
        ],
      },
      'hours.1',
    ],
    [
      'overnight into the next day',
      {
        hours: [
          { day: 2, start: '08:00', end: '12:00' },
          { day: 1, start: '22:00', end: '09:00', overnight: true },
        ],
      },
      'hours.1',
    ],
    [
      'Sunday night into Monday',
      {
        hours: [
          { day: 1, start: '05:00', end: '12:00' },
          { day: 7, start: '22:00', end: '06:00', overnight: true },
        ],
      },
      'hours.1',
    ],
    ['bad holiday', { holidays: ['2026-02-30'] }, 'holidays.0'],
  ];
  it.each(BAD)('%s → %s', (_name, change, field) => {
    const r = checkCalendar({ ...ok, ...change });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.field)).toContain(field);
  });
  it('touching periods do not overlap', () => {
    expect(
      checkCalendar({
        ...ok,
        hours: [
          { day: 1, start: '09:00', end: '12:00' },
          { day: 1, start: '12:00', end: '24:00' },
          { day: 2, start: '00:00', end: '01:00' },
        ],
      }).ok,
    ).toBe(true);
  });
});
