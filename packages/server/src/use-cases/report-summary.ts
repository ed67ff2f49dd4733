import { isCaseType, reportDays, reportScope, showsTeamFigures, type CaseType } from '@casework/domain';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import { invalid, type FieldError } from '../errors.ts';
import { isUuid } from '../ids.ts';
import { reportFigures, type ReportFigures } from '../db/repos/reports.ts';

/** The report's query as given: dates in the viewer's zone, comma-separated lists of ids and types. */
export type ReportQuery = { from: string; to: string; teamId?: string; type?: string; agentId?: string };

export type ReportSummary = ReportFigures & {
  from: string;
  to: string;
  timeZone: string;
  /** Whose cases are counted: every team's, the viewer's teams', or their own work. */
  scope: 'all' | 'teams' | 'own';
};

const list = (s: string | undefined) =>
  s
    ? [
        ...new Set(
          s
            .split(',')
            .map((x) => x.trim().toLowerCase())
            .filter(Boolean),
        ),
      ]
    : [];

/**
 * The report summary (SPEC §12) for this viewer: the days in their zone, the cases their scope
 * counts (reportScope), narrowed by teams, types and agents. Unknown teams or agents are refused
 * naming the field, so a typo never reads as "no cases".
 */
export async function reportSummary(deps: Deps, actor: AppUser, q: ReportQuery): Promise<ReportSummary> {
  const errors: FieldError[] = [];
  const range = reportDays(q.from, q.to, actor.timeZone);
  if (!range.ok) errors.push({ field: range.field, message: range.message });
  const teamIds = list(q.teamId);
  const agentIds = list(q.agentId);
  const types = list(q.type);
  if (!types.every(isCaseType)) errors.push({ field: 'type', message: 'unknown type' });
  if (!teamIds.every(isUuid)) errors.push({ field: 'teamId', message: 'must be team ids' });
  if (!agentIds.every(isUuid)) errors.push({ field: 'agentId', message: 'must be user ids' });
  const db = deps.db.kysely;
  if (!errors.some((e) => e.field === 'teamId') && teamIds.length) {
    const known = await db.selectFrom('teams').select('id').where('id', 'in', teamIds).execute();
    if (known.length !== teamIds.length) errors.push({ field: 'teamId', message: 'names a team that does not exist' });
  }
  if (!errors.some((e) => e.field === 'agentId') && agentIds.length) {
    const known = await db.selectFrom('users').select('id').where('id', 'in', agentIds).execute();
    if (known.length !== agentIds.length) errors.push({ field: 'agentId', message: 'names a user that does not exist' });
  }
  if (errors.length || !range.ok) throw invalid(errors);
  const scope = reportScope(actor);
  const figures = await reportFigures(db, { scope, teamIds, types: types as CaseType[], agentIds }, range.days, deps.clock.now());
  return {
    from: q.from,
    to: q.to,
    timeZone: actor.timeZone,
    scope: scope.kind,
    ...figures,
    agents: figures.agents.filter((a) => showsTeamFigures(scope) || a.agentId === actor.id),
  };
}
