/**
 * The audit log (SPEC §14): one row per sign-in outcome and per change to the organisation's
 * set-up, written in the transaction of the change it records. Append-only: a trigger refuses every
 * UPDATE, and every DELETE except the retention's (a transaction that set `casework.audit_retention`
 * to `on` locally: jobs/timers.ts, use-cases/audit/prune-audit-log.ts); TRUNCATE only of an empty
 * log (copying into a new database truncates every table first).
 * `organisation.audit_retention_days` says how long entries are kept.
 *
 * Indexes, each for a query of db/repos/audit-log.ts: `audit_log_at` (the page, newest first, and the
 * retention's range of old rows); `audit_log_actor`, `audit_log_action`, `audit_log_target` (the same
 * page filtered by actor, action or target).
 */
export const up = /* sql */ `
  CREATE TABLE audit_log (
    id uuid PRIMARY KEY,
    at timestamptz NOT NULL,
    actor_id uuid,
    action text NOT NULL,
    target_type text NOT NULL,
    target_id text,
    target_label text,
    ip text,
    changes jsonb NOT NULL DEFAULT '{}',
    detail jsonb
  );
  CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
  CREATE INDEX audit_log_actor ON audit_log (actor_id, at DESC, id DESC);
  CREATE INDEX audit_log_action ON audit_log (action, at DESC, id DESC);
  CREATE INDEX audit_log_target ON audit_log (target_type, target_id, at DESC, id DESC);

  CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'DELETE' AND current_setting('casework.audit_retention', true) = 'on' THEN
      RETURN OLD;
    END IF;
    IF TG_OP = 'TRUNCATE' AND NOT EXISTS (SELECT 1 FROM audit_log) THEN
      RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
  END $$;
  CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
  CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

  ALTER TABLE organisation ADD COLUMN audit_retention_days int NOT NULL DEFAULT 365
    CHECK (audit_retention_days BETWEEN 30 AND 3650);
`;
