/**
 * Date helpers. Every displayed date goes through the user's IANA zone, never the browser's; the
 * zone arithmetic (wall clock ↔ instant, calendar days) is the domain's.
 */
import { localDate, localParts, zonedTimeToInstant } from '@casework/domain';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = timeZone + JSON.stringify(options);
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(undefined, { ...options, timeZone });
    formatters.set(key, found);
  }
  return found;
}

/** "12 Mar 2026, 14:05" in the given zone. */
export function formatDateTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '—';
  return formatter(timeZone, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** "Today 14:05", "Tomorrow 09:00" or "12 Mar, 14:05" in the given zone, relative to now. */
export function formatWhen(iso: string, timeZone: string, now = Date.now()): string {
  const date = new Date(iso);
  const day = localDate(date, timeZone);
  const time = formatter(timeZone, { hour: '2-digit', minute: '2-digit' }).format(date);
  if (day === localDate(new Date(now), timeZone)) return `Today ${time}`;
  if (day === localDate(new Date(now + 86_400_000), timeZone)) return `Tomorrow ${time}`;
  if (day === localDate(new Date(now - 86_400_000), timeZone)) return `Yesterday ${time}`;
  return formatter(timeZone, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(date);
}

/** Compact age: "45s", "12m", "3h", "5d". */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

/**
 * Converts a `datetime-local` value ("2026-03-10T15:00"), read as wall time in `timeZone`,
 * to a UTC ISO string.
 */
export function zonedLocalToUtcIso(local: string, timeZone: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!match) throw new Error('Invalid date and time');
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  return zonedTimeToInstant(y, mo, d, h, mi, timeZone).toISOString();
}

/** The `datetime-local` value for an instant, as wall time in `timeZone`. */
export function utcToZonedLocal(epochMs: number, timeZone: string): string {
  const p = localParts(new Date(epochMs), timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** All IANA zones the browser knows, with UTC first. */
export function listTimeZones(): string[] {
  const supported = (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
  const zones = supported ? supported('timeZone') : [];
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}
