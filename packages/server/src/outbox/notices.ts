/** Who may hear about a change: the teams and people the case belonged to before and after. */
export type Audience = { teamIds: string[]; userIds: string[] };

/** The channel on which committed changes are announced to every server process. */
export const EVENTS_CHANNEL = 'casework_events';

/** One committed change of a case, as announced on EVENTS_CHANNEL. */
export type LiveNotice = { caseId: string; ids: string[]; types: string[]; audience: Audience; at: string };

export function dedupe(a: Audience): Audience {
  return { teamIds: [...new Set(a.teamIds)], userIds: [...new Set(a.userIds.filter(Boolean))] };
}

/** Teams and people a case's change concerns (owner, collaborators, team), before and after. */
export function audienceOf(...states: { teamId: string; ownerId: string | null; collaboratorIds: readonly string[] }[]): Audience {
  return {
    teamIds: states.map((s) => s.teamId),
    userIds: states.flatMap((s) => [...(s.ownerId ? [s.ownerId] : []), ...s.collaboratorIds]),
  };
}
