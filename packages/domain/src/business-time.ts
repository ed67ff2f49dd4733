import { canonicalTimeZone, localParts } from './time.ts';

/**
 * Business hours (SPEC §12). A calendar has an IANA zone, weekly opening periods (day 1 Monday …
 * 7 Sunday, "HH:MM" wall-clock times; `overnight` periods end on the next day) and holiday dates.
 * It is open at an instant when that instant's wall clock in the zone lies inside a period that
 * started on a day that is not a holiday: a holiday closes the periods that start on it, and a
 * period past midnight into a holiday still ends as planned. Business time is real elapsed time
 * while open, so a night the clocks go back lasts an hour longer, one they skip an hour shorter.
 */
export type BusinessPeriod = { day: number; start: string; end: string; overnight?: boolean };
export type Calendar = { timeZone: string; hours: readonly BusinessPeriod[]; holidays: readonly string[] };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK_MINUTES = 7 * 1440;
const HHMM = /^([01]\d|2[0-4]):([0-5]\d)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "HH:MM" → minutes of the day (24:00 allowed, as an end), or null. */
function minutesOf(v: unknown, allowEndOfDay: boolean): number | null {
  if (typeof v !== 'string') return null;
  const m = HHMM.exec(v);
  if (!m) return null;
  const n = Number(m[1]) * 60 + Number(m[2]);
  if (n > 1440 || (n === 1440 && !allowEndOfDay)) return null;
  return n;
}

function isCalendarDate(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const m = DATE.exec(v);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

type FieldError = { field: string; message: string };

/** A period's span in minutes of the week from Monday 00:00 (end may pass the week's end). */
function weekSpan(p: BusinessPeriod): [number, number] {
  const start = (p.day - 1) * 1440 + minutesOf(p.start, false)!;
  const end = (p.day - 1) * 1440 + minutesOf(p.end, true)! + (p.overnight ? 1440 : 0);
  return [start, end];
}

/** The spans of a period on the circular week, split where it wraps from Sunday into Monday. */
function weekParts(p: BusinessPeriod): [number, number][] {
  const [s, e] = weekSpan(p);
  return e <= WEEK_MINUTES
    ? [[s, e]]
    : [
        [s, WEEK_MINUTES],
        [0, e - WEEK_MINUTES],
      ];
}

/**
 * Checks a calendar's zone, periods and holidays; every problem is named by its field (`timeZone`,
 * `hours.2.end`, `hours.3` for an overlap, `holidays.0`). A period whose end is not after its start
 * is refused as reversed unless it says `overnight` (then its end must be before its start, on the
 * next day). The zone comes back in its canonical spelling, holidays sorted without repeats.
 */
export function checkCalendar(input: {
  timeZone: unknown;
  hours: unknown;
  holidays: unknown;
}): { ok: true; calendar: Calendar } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const zone = typeof input.timeZone === 'string' ? canonicalTimeZone(input.timeZone) : null;
  if (!zone) errors.push({ field: 'timeZone', message: 'must be an IANA time zone (e.g. Europe/Berlin)' });
  const hours: BusinessPeriod[] = [];
  if (!Array.isArray(input.hours) || input.hours.length === 0) {
    errors.push({ field: 'hours', message: 'must list at least one opening period' });
  } else {
    input.hours.forEach((raw: unknown, i: number) => {
      const p = (raw ?? {}) as Record<string, unknown>;
      const at = `hours.${i}`;
      const day = p.day;
      const start = minutesOf(p.start, false);
      const end = minutesOf(p.end, true);
      const overnight = p.overnight === true;
      let bad = false;
      if (typeof day !== 'number' || !Number.isInteger(day) || day < 1 || day > 7) {
        errors.push({ field: `${at}.day`, message: 'must be a weekday from 1 (Monday) to 7 (Sunday)' });
        bad = true;
      }
      if (start === null) {
        errors.push({ field: `${at}.start`, message: 'must be a time HH:MM from 00:00 to 23:59' });
        bad = true;
      }
      if (end === null) {
        errors.push({ field: `${at}.end`, message: 'must be a time HH:MM from 00:00 to 24:00' });
        bad = true;
      }
      if (!bad && !overnight && end! <= start!) {
        errors.push({ field: `${at}.end`, message: 'must be after start (a period past midnight sets overnight: true)' });
        bad = true;
      }
      if (!bad && overnight && end! >= start!) {
        errors.push({ field: `${at}.end`, message: 'an overnight period ends on the next day, before its start time' });
        bad = true;
      }
      if (!bad) hours.push({ day: day as number, start: p.start as string, end: p.end as string, ...(overnight ? { overnight } : {}) });
      else hours.push(null as unknown as BusinessPeriod);
    });
    for (let i = 0; i < hours.length; i++) {
      if (!hours[i]) continue;
      for (let j = 0; j < i; j++) {
        if (!hours[j]) continue;
        const clash = weekParts(hours[i]!).some(([s1, e1]) => weekParts(hours[j]!).some(([s2, e2]) => s1 < e2 && s2 < e1));
        if (clash) {
          errors.push({ field: `hours.${i}`, message: `overlaps hours.${j}` });
          break;
        }
      }
    }
  }
  const holidays: string[] = [];
  if (!Array.isArray(input.holidays)) {
    errors.push({ field: 'holidays', message: 'must be a list of dates (YYYY-MM-DD)' });
  } else {
    input.holidays.forEach((h: unknown, i: number) => {
      if (isCalendarDate(h)) holidays.push(h);
      else errors.push({ field: `holidays.${i}`, message: 'must be a calendar date (YYYY-MM-DD)' });
    });
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, calendar: { timeZone: zone!, hours, holidays: [...new Set(holidays)].sort() } };
}

/** Offset of the zone at an instant (ms, east positive), read to the minute. */
function offsetAt(t: number, zone: string): number {
  const p = localParts(new Date(t), zone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - Math.floor(t / MINUTE) * MINUTE;
}

/**
 * The instants whose wall clock in `zone` lies in [w1, w2) (wall clocks as UTC-encoded ms). Within
 * the span at most one offset change is assumed (no zone changes twice within two days); it is found
 * to the minute. A wall time the clocks skip has no instant; one they repeat has two.
 */
function instantsOfWall(w1: number, w2: number, zone: string): [number, number][] {
  const a = w1 - 18 * HOUR;
  const b = w2 + 18 * HOUR;
  const oa = offsetAt(a, zone);
  const ob = offsetAt(b, zone);
  const pieces: [number, number, number][] = [];
  if (oa === ob) pieces.push([a, b, oa]);
  else {
    let lo = a; // offset oa here
    let hi = b; // offset ob here
    while (hi - lo > MINUTE) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
      if (offsetAt(mid, zone) === oa) lo = mid;
      else hi = mid;
    }
    pieces.push([a, hi, oa], [hi, b, ob]);
  }
  const out: [number, number][] = [];
  for (const [pa, pb, o] of pieces) {
    const s = Math.max(pa, w1 - o);
    const e = Math.min(pb, w2 - o);
    if (s < e) out.push([s, e]);
  }
  return out;
}

const calendarKeys = new WeakMap<Calendar, string>();
const keyOf = (cal: Calendar): string => {
  let k = calendarKeys.get(cal);
  if (!k) {
    k = JSON.stringify([cal.timeZone, cal.hours, cal.holidays]);
    calendarKeys.set(cal, k);
  }
  return k;
};
const dayCache = new Map<string, [number, number][]>();

/** The open instants of the periods that start on one local date (UTC-encoded midnight `date`). */
function openOnDate(cal: Calendar, date: number): [number, number][] {
  const key = `${keyOf(cal)}|${date}`;
  const known = dayCache.get(key);
  if (known) return known;
  const d = new Date(date);
  const iso = d.toISOString().slice(0, 10);
  const weekday = ((d.getUTCDay() + 6) % 7) + 1; // 1 Monday … 7 Sunday
  const out: [number, number][] = [];
  if (!cal.holidays.includes(iso)) {
    for (const p of cal.hours) {
      if (p.day !== weekday) continue;
      const w1 = date + minutesOf(p.start, false)! * MINUTE;
      const w2 = date + (minutesOf(p.end, true)! + (p.overnight ? 1440 : 0)) * MINUTE;
      out.push(...instantsOfWall(w1, w2, cal.timeZone));
    }
  }
  out.sort((x, y) => x[0] - y[0]);
  if (dayCache.size >= 20_000) dayCache.clear();
  dayCache.set(key, out);
  return out;
}

/** The local date of an instant as a UTC-encoded midnight. */
function localMidnight(t: number, zone: string): number {
  const p = localParts(new Date(t), zone);
  return Date.UTC(p.year, p.month - 1, p.day);
}

/** Open intervals of the periods starting on local dates from the day before `from`'s to `days` days on, sorted. */
function openWindow(cal: Calendar, firstDate: number, days: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < days; i++) out.push(...openOnDate(cal, firstDate + i * DAY));
  return out.sort((x, y) => x[0] - y[0]);
}

/** How far ahead a target is looked for before giving up (a calendar open once a year still gets there). */
const HORIZON_DAYS = 4 * 366;

/**
 * The instant at which `ms` of business time have passed from `start` (null calendar: always open).
 * Zero business time from a closed instant is that instant itself (nothing is due later than now).
 * Throws only if the calendar is never open within four years, which checkCalendar makes impossible
 * short of holidays on every opening day.
 */
export function addBusinessTime(cal: Calendar | null, start: Date, ms: number): Date {
  if (!cal) return new Date(start.getTime() + ms);
  if (ms <= 0) return start;
  let cursor = start.getTime();
  let left = ms;
  let date = localMidnight(cursor, cal.timeZone) - DAY;
  for (let scanned = 0; scanned < HORIZON_DAYS; scanned += 7) {
    for (const [s, e] of openWindow(cal, date, 8)) {
      if (e <= cursor) continue;
      const from = Math.max(s, cursor);
      if (e - from >= left) return new Date(from + left);
      left -= e - from;
      cursor = e;
    }
    date += 7 * DAY;
  }
  throw new Error('calendar is not open within four years');
}

/** Business time (ms) between two instants (0 if `to` is not after `from`; null calendar: always open). */
export function businessTimeBetween(cal: Calendar | null, from: Date, to: Date): number {
  const a = from.getTime();
  const b = to.getTime();
  if (b <= a) return 0;
  if (!cal) return b - a;
  const first = localMidnight(a, cal.timeZone) - DAY;
  const last = localMidnight(b, cal.timeZone);
  let total = 0;
  for (let date = first; date <= last; date += DAY) {
    for (const [s, e] of openOnDate(cal, date)) {
      const lo = Math.max(s, a);
      const hi = Math.min(e, b);
      if (hi > lo) total += hi - lo;
    }
  }
  return total;
}

/** Whether the calendar is open at an instant (null calendar: always). */
export function isOpenAt(cal: Calendar | null, at: Date): boolean {
  if (!cal) return true;
  const t = at.getTime();
  const date = localMidnight(t, cal.timeZone);
  return [date - DAY, date].some((d) => openOnDate(cal, d).some(([s, e]) => s <= t && t < e));
}

/** Minutes → ms, the unit SLA targets are written in. */
export const minutesMs = (minutes: number): number => minutes * MINUTE;
