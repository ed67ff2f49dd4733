/**
 * Text search that stays fast at a million cases: trigram indexes make `ILIKE '%…%'` on case
 * subjects and customer names/emails index scans instead of reading every row.
 * (pg_trgm ships with PostgreSQL's contrib package; PGlite loads it in db/connect.ts.)
 */
export const up = /* sql */ `
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX cases_subject_trgm ON cases USING gin (subject gin_trgm_ops);
    CREATE INDEX customers_name_trgm ON customers USING gin (name gin_trgm_ops) WHERE name IS NOT NULL;
    CREATE INDEX customers_email_trgm ON customers USING gin (email gin_trgm_ops) WHERE email IS NOT NULL;
`;
