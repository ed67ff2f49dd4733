import { startOfLocalDay } from '@casework/domain';
import type { FieldError } from '../errors.ts';

/**
 * A list filter bound: a full timestamp is taken as is; a plain date (YYYY-MM-DD) means that
 * whole day in the user's zone, so "created up to today" includes all of today.
 */
export function parseDateBound(
  v: string | undefined,
  side: 'start' | 'end',
  zone: string,
  field: string,
  errors: FieldError[],
): Date | undefined {
  if (v === undefined || v === '') return undefined;
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const probe = new Date(Date.UTC(y, m - 1, d));
    if (probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) {
      errors.push({ field, message: 'is not a calendar date' });
      return undefined;
    }
    if (side === 'start') return startOfLocalDay(y, m, d, zone);
    const next = new Date(Date.UTC(y, m - 1, d + 1));
    return startOfLocalDay(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), zone);
  }
  const t = Date.parse(v);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(t)) {
    errors.push({ field, message: 'must be a date (YYYY-MM-DD) or an ISO-8601 timestamp' });
    return undefined;
  }
  return new Date(t);
}
