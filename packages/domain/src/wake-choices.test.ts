import { describe, expect, it } from 'vitest';
import { wakeTime, type WakeChoice } from './time.ts';

/** [now (UTC), zone, choice, expected wake (UTC)]: ordinary days, late evenings, Mondays, and clock changes. */
const TABLE: [string, string, WakeChoice, string][] = [
  // An hour is an hour of real time, across a clock change too.
  ['2026-06-10T10:15:00Z', 'Europe/Berlin', 'in_an_hour', '2026-06-10T11:15:00Z'],
  ['2026-03-29T00:30:00Z', 'Europe/Berlin', 'in_an_hour', '2026-03-29T01:30:00Z'], // 01:30 CET → 03:30 CEST
  ['2026-11-01T05:30:00Z', 'America/New_York', 'in_an_hour', '2026-11-01T06:30:00Z'], // 01:30 EDT → 01:30 EST
  // Tomorrow 9:00 on the user's calendar, not the UTC one.
  ['2026-06-10T10:15:00Z', 'Europe/Berlin', 'tomorrow_9', '2026-06-11T07:00:00Z'],
  ['2026-06-10T22:30:00Z', 'Europe/Berlin', 'tomorrow_9', '2026-06-12T07:00:00Z'], // already the 11th in Berlin
  ['2026-06-11T03:00:00Z', 'America/Los_Angeles', 'tomorrow_9', '2026-06-11T16:00:00Z'], // still the 10th in LA
  ['2026-06-10T10:15:00Z', 'UTC', 'tomorrow_9', '2026-06-11T09:00:00Z'],
  ['2026-06-10T10:15:00Z', 'Asia/Kolkata', 'tomorrow_9', '2026-06-11T03:30:00Z'],
  // Tomorrow is on the other side of a clock change: 9:00 in the new offset.
  ['2026-03-28T12:00:00Z', 'Europe/Berlin', 'tomorrow_9', '2026-03-29T07:00:00Z'], // Sat CET → Sun CEST
  ['2026-10-24T12:00:00Z', 'Europe/Berlin', 'tomorrow_9', '2026-10-25T08:00:00Z'], // Sat CEST → Sun CET
  ['2026-03-07T15:00:00Z', 'America/New_York', 'tomorrow_9', '2026-03-08T13:00:00Z'], // → EDT
  ['2026-10-31T15:00:00Z', 'America/New_York', 'tomorrow_9', '2026-11-01T14:00:00Z'], // → EST
  ['2026-04-04T12:00:00Z', 'Australia/Sydney', 'tomorrow_9', '2026-04-04T23:00:00Z'], // Sun 5 April AEST (DST ended)
  ['2026-10-03T12:00:00Z', 'Australia/Sydney', 'tomorrow_9', '2026-10-03T22:00:00Z'], // Sun 4 October AEDT (DST began)
  // Next Monday 9:00: never today; from a Monday, a week on.
  ['2026-06-10T10:15:00Z', 'Europe/Berlin', 'next_monday_9', '2026-06-15T07:00:00Z'], // Wednesday
  ['2026-06-15T06:00:00Z', 'Europe/Berlin', 'next_monday_9', '2026-06-22T07:00:00Z'], // Monday 08:00, before 9
  ['2026-06-14T22:30:00Z', 'Europe/Berlin', 'next_monday_9', '2026-06-22T07:00:00Z'], // Sunday in UTC, Monday in Berlin
  ['2026-06-15T02:00:00Z', 'America/New_York', 'next_monday_9', '2026-06-15T13:00:00Z'], // Monday in UTC, Sunday in New York
  ['2026-06-13T10:00:00Z', 'UTC', 'next_monday_9', '2026-06-15T09:00:00Z'], // Saturday
  ['2026-03-26T12:00:00Z', 'Europe/Berlin', 'next_monday_9', '2026-03-30T07:00:00Z'], // across the spring change
  ['2026-10-29T12:00:00Z', 'America/New_York', 'next_monday_9', '2026-11-02T14:00:00Z'], // across the autumn change
  ['2026-12-31T12:00:00Z', 'Pacific/Auckland', 'next_monday_9', '2027-01-03T20:00:00Z'], // New Year's Day in Auckland (Fri) → Mon 4 Jan NZDT
];

describe('wakeTime: the Set waiting dialog quick choices', () => {
  it.each(TABLE)('%s in %s, %s → %s', (now, zone, choice, expected) => {
    expect(wakeTime(choice, new Date(now), zone).toISOString()).toBe(new Date(expected).toISOString());
  });
});
