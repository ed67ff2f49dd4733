import { openStatus } from '../sql-rules.ts';

/**
 * The report summary (SPEC §12) reads the cases created in its range and those finished in it, and
 * nothing else of them but a few columns. Its two range indexes now carry those columns, so each
 * range is an index-only scan instead of a read of every row (at a million cases the 90-day report
 * read ~250,000 rows of each from the table, 1.2 s and 0.8 s; docs/PERFORMANCE.md):
 * - cases by creation (the lists' order, unchanged) with the first response, owner, team, type and
 *   the reported SLA outcomes and due times;
 * - cases by resolution time with creation, owner, team, type, rating and how the case finished;
 * - the few finished cases without a resolution time (spam, imported ones) by creation, so that
 *   part of the finished range is a scan of its own instead of a condition on every created case.
 * A case row is never updated in place while it has this many indexes (no HOT update), so the
 * included columns add size, not writes: each update already writes an entry into every index.
 */
export const up = /* sql */ `
  DROP INDEX cases_created;
  CREATE INDEX cases_created ON cases (created_at DESC, id DESC) INCLUDE (first_response_at, owner_id, team_id, type,
    sla_first_outcome, sla_first_due_at, sla_resolution_outcome, sla_resolution_due_at);
  DROP INDEX cases_resolved_at;
  CREATE INDEX cases_resolved_at ON cases (resolved_at) INCLUDE (created_at, owner_id, team_id, type, satisfaction_stars,
    status, resolution, resolution_reason) WHERE resolved_at IS NOT NULL;
  CREATE INDEX cases_finished_undated ON cases (created_at) WHERE resolved_at IS NULL AND NOT (${openStatus('cases')});
`;
