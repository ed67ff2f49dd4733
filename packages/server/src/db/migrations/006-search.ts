/**
 * Search within an agent's teams without the trigram index (docs/PERFORMANCE.md):
 * the team's index by creation time also carries what a text search compares (subject,
 * reference, customer), so searching and counting an agent's team cases is an index-only
 * scan of those teams' entries. A common word matches ~8 % of all cases: its trigram lists
 * hold tens of thousands of entries (35–40 ms to read at 1M cases) while the agent's teams hold
 * a few thousand cases. It replaces `cases_team_created` (same key, same uses), so writes
 * maintain as many indexes as before.
 */
export const up = /* sql */ `
    CREATE INDEX IF NOT EXISTS cases_team_search ON cases (team_id, created_at DESC, id DESC) INCLUDE (updated_at, subject, reference, customer_id);
    DROP INDEX IF EXISTS cases_team_created;
`;
