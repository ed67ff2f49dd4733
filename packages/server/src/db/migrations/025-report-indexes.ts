/**
 * Reports (SPEC §12) read cases by resolution time, claims and reopenings by when they happened,
 * and each case's first reply to the customer. These indexes make each of those a range scan:
 * - cases by resolved_at, organisation-wide and per team (only cases that have one);
 * - claims (case.claimed) and reopenings (a status change from resolved or canceled) by time,
 *   each a small partial index of case_events;
 * - a case's outbound messages by time, so its first response is one index probe.
 * Nothing is kept incrementally: the report's queries stay within these scans (docs/PERFORMANCE.md).
 */
export const up = /* sql */ `
  CREATE INDEX cases_resolved_at ON cases (resolved_at) WHERE resolved_at IS NOT NULL;
  CREATE INDEX cases_team_resolved_at ON cases (team_id, resolved_at) WHERE resolved_at IS NOT NULL;
  CREATE INDEX case_events_claimed ON case_events (created_at) WHERE type = 'case.claimed';
  CREATE INDEX case_events_reopened ON case_events (created_at)
    WHERE type = 'case.status_changed' AND data->>'from' IN ('resolved', 'canceled');
  CREATE INDEX messages_outbound ON messages (case_id, created_at) WHERE direction = 'outbound';
`;
