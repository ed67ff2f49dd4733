/**
 * Lists and search that stay fast at a million cases (docs/PERFORMANCE.md):
 * - trigram indexes make `ILIKE '%…%'` on case subjects and customer names/emails index scans
 *   instead of reading every row (pg_trgm ships with PostgreSQL's contrib; PGlite loads it in db/connect.ts);
 * - (team, status) lets the commonest list filter (a team's new or open cases) read only those
 *   cases instead of every case of the team.
 */
export const up = /* sql */ `
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX IF NOT EXISTS cases_subject_trgm ON cases USING gin (subject gin_trgm_ops);
    CREATE INDEX IF NOT EXISTS customers_name_trgm ON customers USING gin (name gin_trgm_ops) WHERE name IS NOT NULL;
    CREATE INDEX IF NOT EXISTS customers_email_trgm ON customers USING gin (email gin_trgm_ops) WHERE email IS NOT NULL;
    CREATE INDEX IF NOT EXISTS cases_team_status ON cases (team_id, status, created_at DESC, id DESC);
`;
