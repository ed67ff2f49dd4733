-- What a claim's UPDATE of cases costs with all indexes and with some dropped (each variant rolled back).
-- Run on a database kept by `npm run bench -- --db postgres --keep`: psql -At -f claim-update-split.sql <url>
\set QUIET on
CREATE TEMP TABLE t_ids AS SELECT id FROM cases WHERE status='new' AND owner_id IS NULL ORDER BY id LIMIT 30000;
CREATE TEMP TABLE t_owner AS SELECT id FROM users LIMIT 1;
CREATE OR REPLACE FUNCTION pg_temp.run_claims(n int, off int) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz := clock_timestamp(); r record; o uuid := (SELECT id FROM t_owner); k int := 0;
BEGIN
  FOR r IN SELECT id FROM t_ids ORDER BY id OFFSET off LOOP
    k := k + 1; EXIT WHEN k > n;
    UPDATE cases SET owner_id = o, status = 'ready', updated_at = now(), last_activity_at = now() WHERE id = r.id;
  END LOOP;
  RETURN round(extract(epoch from clock_timestamp() - t0) * 1e6 / n);
END $$;
CREATE OR REPLACE FUNCTION pg_temp.drop_all_but(keep text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE i text;
BEGIN
  FOR i IN SELECT indexname FROM pg_indexes WHERE tablename='cases' AND indexname <> ALL(keep) LOOP
    EXECUTE format('DROP INDEX %I', i);
  END LOOP;
END $$;

\echo all indexes
BEGIN;  SELECT pg_temp.run_claims(1000,0); ROLLBACK;
\echo primary key only
BEGIN; DO $$ BEGIN PERFORM pg_temp.drop_all_but(ARRAY['cases_pkey']); END $$; SELECT pg_temp.run_claims(1000,1000); ROLLBACK;
\echo no updated_at in any index (cases_updated, cases_team_updated, cases_team_search dropped)
BEGIN; DROP INDEX cases_updated; DROP INDEX cases_team_updated; DROP INDEX cases_team_search; SELECT pg_temp.run_claims(1000,2000); ROLLBACK;
\echo without cases_updated and cases_status_created
BEGIN; DROP INDEX cases_updated; DROP INDEX cases_status_created; SELECT pg_temp.run_claims(1000,3000); ROLLBACK;
\echo without cases_subject_trgm
BEGIN; DROP INDEX cases_subject_trgm; SELECT pg_temp.run_claims(1000,4000); ROLLBACK;
\echo all indexes
BEGIN;  SELECT pg_temp.run_claims(1000,5000); ROLLBACK;
\echo primary key only
BEGIN; DO $$ BEGIN PERFORM pg_temp.drop_all_but(ARRAY['cases_pkey']); END $$; SELECT pg_temp.run_claims(1000,6000); ROLLBACK;
\echo no updated_at in any index (cases_updated, cases_team_updated, cases_team_search dropped)
BEGIN; DROP INDEX cases_updated; DROP INDEX cases_team_updated; DROP INDEX cases_team_search; SELECT pg_temp.run_claims(1000,7000); ROLLBACK;
\echo without cases_updated and cases_status_created
BEGIN; DROP INDEX cases_updated; DROP INDEX cases_status_created; SELECT pg_temp.run_claims(1000,8000); ROLLBACK;
\echo without cases_subject_trgm
BEGIN; DROP INDEX cases_subject_trgm; SELECT pg_temp.run_claims(1000,9000); ROLLBACK;
\echo all indexes
BEGIN;  SELECT pg_temp.run_claims(1000,10000); ROLLBACK;
\echo primary key only
BEGIN; DO $$ BEGIN PERFORM pg_temp.drop_all_but(ARRAY['cases_pkey']); END $$; SELECT pg_temp.run_claims(1000,11000); ROLLBACK;
\echo no updated_at in any index (cases_updated, cases_team_updated, cases_team_search dropped)
BEGIN; DROP INDEX cases_updated; DROP INDEX cases_team_updated; DROP INDEX cases_team_search; SELECT pg_temp.run_claims(1000,12000); ROLLBACK;
\echo without cases_updated and cases_status_created
BEGIN; DROP INDEX cases_updated; DROP INDEX cases_status_created; SELECT pg_temp.run_claims(1000,13000); ROLLBACK;
\echo without cases_subject_trgm
BEGIN; DROP INDEX cases_subject_trgm; SELECT pg_temp.run_claims(1000,14000); ROLLBACK;
