import { describe, expect, it } from 'vitest';
import { dayBounds, isValidTimeZone, localDate, localParts, startOfLocalDay, wallClockFormatter, zonedTimeToInstant } from './time.ts';

const HOUR = 3_600_000;
const iso = (d: Date) => d.toISOString();

/**
 * Local calendar days and their exact UTC bounds, worked out by hand from each zone's rules:
 * [zone, local date, first instant (UTC), first instant of the next day (UTC), length in hours].
 */
const DAYS: ReadonlyArray<readonly [string, string, string, string, number]> = [
  ['Europe/Berlin', '2026-03-10', '2026-03-09T23:00:00.000Z', '2026-03-10T23:00:00.000Z', 24],
  ['Europe/Berlin', '2026-07-01', '2026-06-30T22:00:00.000Z', '2026-07-01T22:00:00.000Z', 24],
  ['Europe/Berlin', '2026-03-29', '2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z', 23], // 02:00 → 03:00
  ['Europe/Berlin', '2026-10-25', '2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z', 25], // 03:00 → 02:00
  ['America/New_York', '2026-03-08', '2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z', 23],
  ['America/New_York', '2026-11-01', '2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z', 25],
  ['America/New_York', '2026-01-15', '2026-01-15T05:00:00.000Z', '2026-01-16T05:00:00.000Z', 24],
  ['Pacific/Kiritimati', '2026-03-10', '2026-03-09T10:00:00.000Z', '2026-03-10T10:00:00.000Z', 24], // UTC+14
  ['Pacific/Pago_Pago', '2026-03-10', '2026-03-10T11:00:00.000Z', '2026-03-11T11:00:00.000Z', 24], // UTC−11
  ['UTC', '2026-03-10', '2026-03-10T00:00:00.000Z', '2026-03-11T00:00:00.000Z', 24],
  ['UTC', '2026-12-31', '2026-12-31T00:00:00.000Z', '2027-01-01T00:00:00.000Z', 24],
  ['Asia/Kolkata', '2026-03-10', '2026-03-09T18:30:00.000Z', '2026-03-10T18:30:00.000Z', 24], // +5:30
  ['Australia/Lord_Howe', '2026-04-05', '2026-04-04T13:00:00.000Z', '2026-04-05T13:30:00.000Z', 24.5], // +11 → +10:30
  ['Australia/Lord_Howe', '2026-10-04', '2026-10-03T13:30:00.000Z', '2026-10-04T13:00:00.000Z', 23.5], // +10:30 → +11
  ['America/Santiago', '2026-09-06', '2026-09-06T04:00:00.000Z', '2026-09-07T03:00:00.000Z', 23], // 00:00 → 01:00
  ['America/Santiago', '2026-04-04', '2026-04-04T03:00:00.000Z', '2026-04-05T04:00:00.000Z', 25], // 24:00 → 23:00
  ['America/Havana', '2026-03-08', '2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z', 23], // 00:00 → 01:00
  ['America/Havana', '2026-11-01', '2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z', 25], // 01:00 → 00:00: midnight twice
];

describe('dayBounds: exact UTC instants', () => {
  it.each(DAYS)('%s %s → [%s, %s) = %s h', (zone, date, start, end, hours) => {
    const s = new Date(start);
    const e = new Date(end);
    expect((e.getTime() - s.getTime()) / HOUR).toBe(hours);
    const mid = new Date((s.getTime() + e.getTime()) / 2);
    for (const now of [s, new Date(s.getTime() + 1), mid, new Date(e.getTime() - 1)]) {
      const b = dayBounds(now, zone);
      expect([iso(b.start), iso(b.end)]).toEqual([start, end]);
      expect(localDate(now, zone)).toBe(date);
    }
  });

  it.each(DAYS)('%s %s: one ms before the start belongs to the previous day', (zone, date, start) => {
    const before = new Date(new Date(start).getTime() - 1);
    expect(iso(dayBounds(before, zone).end)).toBe(start);
    expect(localDate(before, zone) < date).toBe(true);
  });

  it.each(DAYS)('%s %s: the end instant starts the next day', (zone, _date, _start, end) => {
    expect(iso(dayBounds(new Date(end), zone).start)).toBe(end);
  });
});

describe('startOfLocalDay', () => {
  it.each(DAYS)('%s %s starts at %s', (zone, date, start) => {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    expect(iso(startOfLocalDay(y, m, d, zone))).toBe(start);
  });

  it.each([
    ['America/Santiago', '2026-09-06T04:00:00.000Z', { year: 2026, month: 9, day: 6, hour: 1, minute: 0, second: 0 }],
    ['America/Havana', '2026-03-08T05:00:00.000Z', { year: 2026, month: 3, day: 8, hour: 1, minute: 0, second: 0 }],
    ['Europe/Berlin', '2026-03-28T23:00:00.000Z', { year: 2026, month: 3, day: 29, hour: 0, minute: 0, second: 0 }],
  ] as const)('%s: the day begins at %s, local reading %o', (zone, start, parts) => {
    expect(localParts(new Date(start), zone)).toEqual(parts);
  });
});

/** An independent reading of the local date (Intl's en-CA gives YYYY-MM-DD). */
const dateIn = (zone: string) => new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });

describe('dayBounds over a whole year', () => {
  const zones = [
    'UTC',
    'Europe/Berlin',
    'America/New_York',
    'Pacific/Kiritimati',
    'Pacific/Pago_Pago',
    'Asia/Kolkata',
    'Australia/Lord_Howe',
    'America/Santiago',
    'America/Havana',
    'Asia/Kathmandu',
    'Pacific/Chatham',
    'Africa/Casablanca',
  ];
  it.each(zones)("%s: every day of 2026 runs from its first instant to the next day's, 23–25 h long", (zone) => {
    const f = dateIn(zone);
    for (let t = Date.UTC(2026, 0, 1, 12); t < Date.UTC(2027, 0, 1); t += 24 * HOUR) {
      const { start, end } = dayBounds(new Date(t), zone);
      const today = f.format(t);
      expect(f.format(start)).toBe(today);
      expect(f.format(start.getTime() - 1)).not.toBe(today);
      expect(f.format(end.getTime() - 1)).toBe(today);
      expect(f.format(end)).not.toBe(today);
      expect(start.getTime() <= t && t < end.getTime()).toBe(true);
      expect([23, 23.5, 24, 24.5, 25]).toContain((end.getTime() - start.getTime()) / HOUR);
    }
  });
});

describe('localParts and localDate', () => {
  it.each([
    ['2026-03-09T23:00:00.000Z', 'Europe/Berlin', '2026-03-10', 0, 0],
    ['2026-03-09T22:59:59.999Z', 'Europe/Berlin', '2026-03-09', 23, 59],
    ['2026-03-10T10:30:00.000Z', 'Pacific/Kiritimati', '2026-03-11', 0, 30],
    ['2026-03-10T10:30:00.000Z', 'Pacific/Pago_Pago', '2026-03-09', 23, 30],
    ['2026-03-10T18:29:00.000Z', 'Asia/Kolkata', '2026-03-10', 23, 59],
  ] as const)('%s in %s is %s %s:%s', (instant, zone, date, hour, minute) => {
    expect(localDate(new Date(instant), zone)).toBe(date);
    expect(localParts(new Date(instant), zone)).toMatchObject({ hour, minute });
  });
});

describe('isValidTimeZone', () => {
  it.each(['Europe/Berlin', 'UTC', 'America/Argentina/Buenos_Aires', 'Pacific/Kiritimati', 'Asia/Kolkata', 'Etc/GMT+5'])(
    '%s is valid',
    (zone) => expect(isValidTimeZone(zone)).toBe(true),
  );

  it.each(['', 'Mars/Olympus', 'Europe/Berln', 'Berlin', 'not a zone', 'x'.repeat(65), 'UTC; DROP TABLE users'])(
    '%j is not valid',
    (zone) => expect(isValidTimeZone(zone)).toBe(false),
  );

  it('non-strings are not valid', () => {
    expect(isValidTimeZone(undefined as unknown as string)).toBe(false);
    expect(isValidTimeZone(42 as unknown as string)).toBe(false);
  });
});

/**
 * Wall-clock readings and the instant each names, worked out by hand from each zone's rules:
 * [zone, local reading, instant (UTC), local reading of that instant]. Where the reading does not
 * exist (clocks jump forward) or exists twice (clocks go back), which instant it names is stated.
 */
const READINGS: ReadonlyArray<readonly [string, string, string, string]> = [
  ['UTC', '2026-03-10T15:00', '2026-03-10T15:00:00.000Z', '2026-03-10T15:00'],
  ['UTC', '2026-12-31T23:59', '2026-12-31T23:59:00.000Z', '2026-12-31T23:59'],
  ['Europe/Berlin', '2026-03-10T15:00', '2026-03-10T14:00:00.000Z', '2026-03-10T15:00'], // CET +1
  ['Europe/Berlin', '2026-07-01T09:30', '2026-07-01T07:30:00.000Z', '2026-07-01T09:30'], // CEST +2
  ['Europe/Berlin', '2026-03-29T01:59', '2026-03-29T00:59:00.000Z', '2026-03-29T01:59'], // last minute before 02:00 → 03:00
  ['Europe/Berlin', '2026-03-29T02:30', '2026-03-29T01:30:00.000Z', '2026-03-29T03:30'], // skipped: moved forward by the jump
  ['Europe/Berlin', '2026-03-29T03:00', '2026-03-29T01:00:00.000Z', '2026-03-29T03:00'], // first minute after the jump
  ['Europe/Berlin', '2026-10-25T02:30', '2026-10-25T01:30:00.000Z', '2026-10-25T02:30'], // twice: the later (CET)
  ['America/New_York', '2026-01-15T09:00', '2026-01-15T14:00:00.000Z', '2026-01-15T09:00'], // EST −5
  ['America/New_York', '2026-03-08T02:30', '2026-03-08T06:30:00.000Z', '2026-03-08T01:30'], // skipped: moved back by the jump
  ['America/New_York', '2026-11-01T01:30', '2026-11-01T05:30:00.000Z', '2026-11-01T01:30'], // twice: the earlier (EDT)
  ['Asia/Kolkata', '2026-03-10T09:00', '2026-03-10T03:30:00.000Z', '2026-03-10T09:00'], // +5:30
  ['Australia/Lord_Howe', '2026-01-15T12:00', '2026-01-15T01:00:00.000Z', '2026-01-15T12:00'], // +11 in summer
  ['Pacific/Kiritimati', '2026-03-10T00:00', '2026-03-09T10:00:00.000Z', '2026-03-10T00:00'], // +14: the day before in UTC
  ['Pacific/Pago_Pago', '2026-03-10T23:59', '2026-03-11T10:59:00.000Z', '2026-03-10T23:59'], // −11: the day after in UTC
];

describe('zonedTimeToInstant', () => {
  const reading = (text: string) => text.split(/[-T:]/).map(Number) as [number, number, number, number, number];
  const pad = (n: number) => String(n).padStart(2, '0');

  it.each(READINGS)('%s %s → %s (reads %s)', (zone, local, instant, readsAs) => {
    const [year, month, day, hour, minute] = reading(local);
    const found = zonedTimeToInstant(year, month, day, hour, minute, zone);
    expect(iso(found)).toBe(instant);
    const p = localParts(found, zone);
    expect(`${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`).toBe(readsAs);
  });
});

describe('wallClockFormatter: the same wall clock as localParts', () => {
  const read = (instant: Date, zone: string) => {
    const p = localParts(instant, zone);
    const two = (n: number) => String(n).padStart(2, '0');
    return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}:${two(p.second)}`;
  };
  it.each([
    'Europe/Berlin',
    'America/New_York',
    'Australia/Lord_Howe',
    'Asia/Kathmandu',
    'Asia/Kolkata',
    'America/Santiago',
    'Pacific/Chatham',
    'UTC',
  ])('%s: every 7 minutes 13 seconds across 2026, daylight-saving changes included', (zone) => {
    const format = wallClockFormatter(zone);
    const start = Date.UTC(2026, 0, 1);
    for (let t = start; t < start + 366 * 86_400_000; t += 433_000) {
      const instant = new Date(t);
      if (format(instant) !== read(instant, zone)) expect(format(instant)).toBe(read(instant, zone));
    }
  });
});
