const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Is this a time zone name the runtime knows (IANA, e.g. "Europe/Berlin")? */
export function isValidTimeZone(zone: string): boolean {
  if (typeof zone !== 'string' || zone.length === 0 || zone.length > 64) return false;
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

type LocalParts = { year: number; month: number; day: number; hour: number; minute: number; second: number };

/** The wall-clock reading of an instant in a zone. */
export function localParts(instant: Date, zone: string): LocalParts {
  const parts = formatter(zone).formatToParts(instant);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** Offset of the zone from UTC at an instant, in milliseconds (east positive). */
function offsetAt(instant: number, zone: string): number {
  const p = localParts(new Date(instant), zone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a wall-clock reading names in a zone (month 1–12). Two rounds settle the offset in
 * every zone (the offset at the guess may differ from the answer's). Around a daylight-saving
 * change the side depends on the zone: a reading the clocks skip is moved by the jump (Berlin's
 * 02:30 becomes 03:30, New York's 01:30), a reading that happens twice is Berlin's later instant
 * and New York's earlier one.
 */
export function zonedTimeToInstant(year: number, month: number, day: number, hour: number, minute: number, zone: string): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const guess = wall - offsetAt(wall, zone);
  return new Date(wall - offsetAt(guess, zone));
}

/**
 * The first instant of a local calendar date in a zone. Usually local midnight; where a
 * daylight-saving jump skips midnight, the first moment that exists on that date.
 */
export function startOfLocalDay(year: number, month: number, day: number, zone: string): Date {
  const guess = zonedTimeToInstant(year, month, day, 0, 0, zone).getTime();
  const p = localParts(new Date(guess), zone);
  const sameDay = p.year === year && p.month === month && p.day === day;
  if (sameDay && p.hour === 0 && p.minute === 0 && p.second === 0) return new Date(guess);
  // Midnight did not exist (clocks jumped forward over it) or the guess landed before the day:
  // search forward for the first instant whose local date is the wanted date.
  let lo = sameDay ? guess - 3 * 3_600_000 : guess;
  let hi = sameDay ? guess : guess + 3 * 3_600_000;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    const m = localParts(new Date(mid), zone);
    const onOrAfter = m.year > year || (m.year === year && (m.month > month || (m.month === month && m.day >= day)));
    if (onOrAfter) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

/** "Today" for a user: from local midnight to the next local midnight, DST-correct. */
export function dayBounds(now: Date, zone: string): { start: Date; end: Date } {
  const p = localParts(now, zone);
  // The bounds depend only on the zone and the local date; finding them takes many Intl calls.
  const key = `${zone} ${p.year}-${p.month}-${p.day}`;
  let known = knownDays.get(key);
  if (!known) {
    const next = new Date(Date.UTC(p.year, p.month - 1, p.day + 1));
    known = {
      start: startOfLocalDay(p.year, p.month, p.day, zone).getTime(),
      end: startOfLocalDay(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), zone).getTime(),
    };
    if (knownDays.size >= 2000) knownDays.clear();
    knownDays.set(key, known);
  }
  return { start: new Date(known.start), end: new Date(known.end) };
}

const knownDays = new Map<string, { start: number; end: number }>();

/** Local calendar date (YYYY-MM-DD) of an instant in a zone. */
export function localDate(instant: Date, zone: string): string {
  const p = localParts(instant, zone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** The runtime's canonical spelling of a zone ("europe/berlin" → "Europe/Berlin"), or null if unknown. */
export function canonicalTimeZone(zone: string): string | null {
  if (!isValidTimeZone(zone)) return null;
  return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
}

const QUARTER_HOUR = 900_000;
const two = (n: number) => String(n).padStart(2, '0');

/**
 * "YYYY-MM-DD HH:MM:SS" wall clocks of many instants in one zone (an export's thousands of rows):
 * the zone's offset is read with localParts once per quarter hour of UTC, within which no zone's
 * offset changes (every transition since the 1900s falls on a quarter hour), then applied.
 */
export function wallClockFormatter(zone: string): (instant: Date) => string {
  const offsets = new Map<number, number>();
  return (instant) => {
    const q = Math.floor(instant.getTime() / QUARTER_HOUR);
    let offset = offsets.get(q);
    if (offset === undefined) {
      const p = localParts(new Date(q * QUARTER_HOUR), zone);
      offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - q * QUARTER_HOUR;
      if (offsets.size >= 5000) offsets.clear();
      offsets.set(q, offset);
    }
    const d = new Date(instant.getTime() + offset);
    return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  };
}

/** The quick wake-up choices of the Set waiting dialog, in the order offered. */
export const WAKE_CHOICES = ['in_an_hour', 'tomorrow_9', 'next_monday_9'] as const;
export type WakeChoice = (typeof WAKE_CHOICES)[number];

/** The local calendar date `days` after the date of `instant` in `zone`, with its weekday (0 Sunday … 6 Saturday). */
function localDateAfter(instant: Date, zone: string, days: number): { year: number; month: number; day: number; weekday: number } {
  const p = localParts(instant, zone);
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay() };
}

/**
 * When a quick choice wakes a waiting case, seen from `now` by someone in `zone`: in an hour is
 * sixty minutes of real time (across a clock change too); tomorrow 9:00 and next Monday 9:00 are
 * wall-clock times on the user's calendar (next Monday is never today: on a Monday it is a week
 * on). A 9:00 a clock change skips becomes the moment the clocks jump to (zonedTimeToInstant).
 */
export function wakeTime(choice: WakeChoice, now: Date, zone: string): Date {
  if (choice === 'in_an_hour') return new Date(now.getTime() + 3_600_000);
  const today = localDateAfter(now, zone, 0);
  const days = choice === 'tomorrow_9' ? 1 : (8 - today.weekday) % 7 || 7;
  const d = localDateAfter(now, zone, days);
  return zonedTimeToInstant(d.year, d.month, d.day, 9, 0, zone);
}
