import { isOpen, type Actor, type CaseFacts } from './types.ts';
import { seenTeams, seesEveryCase } from './permissions.ts';
import { startOfLocalDay } from './time.ts';

/**
 * Whose cases a user's reports count (SPEC §12). With `report.view_team`: every case if they see
 * every case, else their teams' cases (seenTeams), never cases seen only by owning or following
 * them elsewhere. Without it: their own work, the cases they own. Every scope is within canView.
 */
export type ReportScope = { kind: 'all' } | { kind: 'teams'; teamIds: readonly string[] } | { kind: 'own'; userId: string };

export function reportScope(user: Pick<Actor, 'id' | 'permissions' | 'teamIds'>): ReportScope {
  if (!user.permissions.has('report.view_team')) return { kind: 'own', userId: user.id };
  if (seesEveryCase(user)) return { kind: 'all' };
  return { kind: 'teams', teamIds: seenTeams(user) };
}

/** Whether a case counts in reports of this scope (the SQL copy in db/sql-rules.ts is held to it by a test). */
export function inReportScope(scope: ReportScope, c: Pick<CaseFacts, 'teamId' | 'ownerId'>): boolean {
  if (scope.kind === 'all') return true;
  if (scope.kind === 'teams') return scope.teamIds.includes(c.teamId);
  return c.ownerId === scope.userId;
}

/** Whether the scope shows figures of other agents (the per-agent table lists more than the user). */
export const showsTeamFigures = (scope: ReportScope): boolean => scope.kind !== 'own';

/** The longest report range: three years of days (one of them may be a leap year). */
export const MAX_REPORT_DAYS = 3 * 365 + 1;

/** One local calendar day of a report: its date and its bounds in the viewer's zone. */
export type ReportDay = { date: string; start: Date; end: Date };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A YYYY-MM-DD calendar date as a UTC midnight (date arithmetic only), or null. */
function calendarDate(v: string): Date | null {
  const m = DATE.exec(v);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d ? t : null;
}

const isoDate = (t: Date) => t.toISOString().slice(0, 10);

/**
 * The days of a report from `from` to `to` (both included, YYYY-MM-DD in the viewer's zone), each
 * bounded by its local midnights, so a daylight-saving day lasts 23 or 25 hours. A range reversed
 * or longer than MAX_REPORT_DAYS is refused naming the field to change.
 */
export function reportDays(
  from: string,
  to: string,
  zone: string,
): { ok: true; days: ReportDay[] } | { ok: false; field: 'from' | 'to'; message: string } {
  const a = calendarDate(from);
  if (!a) return { ok: false, field: 'from', message: 'must be a calendar date (YYYY-MM-DD)' };
  const b = calendarDate(to);
  if (!b) return { ok: false, field: 'to', message: 'must be a calendar date (YYYY-MM-DD)' };
  const count = Math.round((b.getTime() - a.getTime()) / 86_400_000) + 1;
  if (count < 1) return { ok: false, field: 'to', message: 'must not be before from' };
  if (count > MAX_REPORT_DAYS) return { ok: false, field: 'to', message: `a report covers at most ${MAX_REPORT_DAYS} days (3 years)` };
  const starts: Date[] = [];
  for (let i = 0; i <= count; i++) {
    const d = new Date(a.getTime() + i * 86_400_000);
    starts.push(startOfLocalDay(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), zone));
  }
  const days = starts.slice(0, count).map((start, i) => ({
    date: isoDate(new Date(a.getTime() + i * 86_400_000)),
    start,
    end: starts[i + 1]!,
  }));
  return { ok: true, days };
}

type Outcome = Pick<CaseFacts, 'status' | 'resolution' | 'resolutionReason'>;

/** The resolution reason of a chat the customer left before anyone answered (SPEC §15): abandoned, not resolved. */
export const ABANDONED_REASON = 'abandoned' satisfies NonNullable<CaseFacts['resolutionReason']>;

/** Whether a finished case counts as resolved in reports: not canceled, not spam and not abandoned. */
export const countsAsResolved = (c: Outcome): boolean =>
  !isOpen(c.status) && c.status !== 'spam' && c.resolution !== 'canceled' && c.resolutionReason !== ABANDONED_REASON;
