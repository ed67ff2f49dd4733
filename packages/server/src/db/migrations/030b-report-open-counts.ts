import { openStatus } from '../sql-rules.ts';

/**
 * Reports' open cases kept by the write path (SPEC §12): the backlog at each day's end starts from
 * the open cases now, which an organisation-wide report counted case by case (every open case,
 * most of "today"'s time). `report_open_counts` holds signed deltas per team and type, written in
 * the changing transaction by triggers on cases: a statement's inserted or deleted cases as one
 * row per team and type, an update that opens, finishes or moves an open case as -1/+1 (the
 * trigger's WHEN skips every other update, claims included, before any function runs). Deltas
 * never update a shared row, so writers never wait on each other; the sum is exact in every
 * snapshot, and compaction (db/repos/report-counts.ts) folds the rows into one per key.
 */
const isOpen = (alias: string) => `(${openStatus(alias)})`;

export const up = /* sql */ `
  CREATE TABLE report_open_counts (team_id uuid NOT NULL, type text NOT NULL, n int NOT NULL);
  CREATE INDEX report_open_counts_key ON report_open_counts (team_id, type);

  CREATE FUNCTION casework_open_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO report_open_counts (team_id, type, n)
    SELECT x.team_id, x.type, count(*) FROM new_cases x WHERE ${isOpen('x')} GROUP BY 1, 2;
    RETURN NULL;
  END $$;
  CREATE TRIGGER cases_open_counts_inserted AFTER INSERT ON cases REFERENCING NEW TABLE AS new_cases
    FOR EACH STATEMENT EXECUTE FUNCTION casework_open_counts_inserted();

  CREATE FUNCTION casework_open_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO report_open_counts (team_id, type, n)
    SELECT x.team_id, x.type, -count(*) FROM old_cases x WHERE ${isOpen('x')} GROUP BY 1, 2;
    RETURN NULL;
  END $$;
  CREATE TRIGGER cases_open_counts_deleted AFTER DELETE ON cases REFERENCING OLD TABLE AS old_cases
    FOR EACH STATEMENT EXECUTE FUNCTION casework_open_counts_deleted();

  CREATE FUNCTION casework_open_counts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF ${isOpen('OLD')} THEN INSERT INTO report_open_counts (team_id, type, n) VALUES (OLD.team_id, OLD.type, -1); END IF;
    IF ${isOpen('NEW')} THEN INSERT INTO report_open_counts (team_id, type, n) VALUES (NEW.team_id, NEW.type, 1); END IF;
    RETURN NULL;
  END $$;
  CREATE TRIGGER cases_open_counts_updated AFTER UPDATE OF status, team_id, type ON cases FOR EACH ROW
    WHEN (${isOpen('OLD')} IS DISTINCT FROM ${isOpen('NEW')}
      OR (${isOpen('NEW')} AND (OLD.team_id IS DISTINCT FROM NEW.team_id OR OLD.type IS DISTINCT FROM NEW.type)))
    EXECUTE FUNCTION casework_open_counts_updated();

  INSERT INTO report_open_counts (team_id, type, n)
  SELECT c.team_id, c.type, count(*) FROM cases c WHERE ${isOpen('c')} GROUP BY 1, 2;
`;
