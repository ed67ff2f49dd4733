/**
 * Search over whole conversations (SPEC §10), index-driven on both databases:
 * - `case_search` holds one full-text document per case ('simple' configuration: no language's
 *   stemming or stop words), weighted by where each word stands: subject A, description B,
 *   internal notes C, public messages D. A search for readers who may not see internal notes
 *   asks for weights A, B and D only; ranking (ts_rank) weighs a subject word above a message word.
 * - The document carries the case's team, and `case_search_doc` is a GIN index over (team, words)
 *   (btree_gin): an agent's search intersects the word's entries with their teams' entries inside
 *   the index, so it reads the matches in those teams, not every case of the teams
 *   (the trigram/index-only path of migration 006 grew with the team's size). Admins use the same
 *   index on the words alone.
 * - Triggers keep it in step with every writer (create, import, channels, replies, notes, a team
 *   change, an edited subject or description), statement-level where many rows arrive at once. A
 *   document that would outgrow PostgreSQL's tsvector limit (1 MB of distinct words) keeps what it
 *   has: the message is stored, only its words stay unsearchable.
 * - `customers.external_id`: the customer's id in the helpdesk a history was imported from.
 */
export const up = /* sql */ `
    CREATE EXTENSION IF NOT EXISTS btree_gin;
    ALTER TABLE customers ADD COLUMN IF NOT EXISTS external_id text;
    CREATE UNIQUE INDEX IF NOT EXISTS customers_external_id ON customers (external_id) WHERE external_id IS NOT NULL;

    CREATE FUNCTION casework_case_doc(subject text, description text) RETURNS tsvector
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT setweight(to_tsvector('simple'::regconfig, subject), 'A')
        || setweight(to_tsvector('simple'::regconfig, coalesce(description, '')), 'B') $$;
    CREATE FUNCTION casework_messages_doc(public_text text, notes_text text) RETURNS tsvector
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT setweight(to_tsvector('simple'::regconfig, coalesce(public_text, '')), 'D')
        || setweight(to_tsvector('simple'::regconfig, coalesce(notes_text, '')), 'C') $$;
    CREATE FUNCTION casework_doc_concat(a tsvector, b tsvector) RETURNS tsvector
      LANGUAGE plpgsql IMMUTABLE AS $$
      BEGIN
        RETURN a || b;
      EXCEPTION WHEN program_limit_exceeded THEN
        RETURN a;
      END $$;

    CREATE TABLE case_search (
      case_id uuid PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
      team_id uuid NOT NULL,
      doc tsvector NOT NULL
    );
    INSERT INTO case_search (case_id, team_id, doc)
    SELECT c.id, c.team_id, casework_doc_concat(casework_case_doc(c.subject, c.description), coalesce(m.doc, ''::tsvector))
    FROM cases c LEFT JOIN LATERAL (
      SELECT casework_messages_doc(string_agg(x.body, ' ' ORDER BY x.created_at, x.id) FILTER (WHERE NOT x.internal),
        string_agg(x.body, ' ' ORDER BY x.created_at, x.id) FILTER (WHERE x.internal)) AS doc
      FROM messages x WHERE x.case_id = c.id) m ON true;
    CREATE INDEX case_search_doc ON case_search USING gin (team_id, doc);

    CREATE FUNCTION casework_case_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO case_search (case_id, team_id, doc)
      SELECT n.id, n.team_id, casework_case_doc(n.subject, n.description) FROM new_cases n;
      RETURN NULL;
    END $$;
    CREATE TRIGGER cases_search_insert AFTER INSERT ON cases REFERENCING NEW TABLE AS new_cases
      FOR EACH STATEMENT EXECUTE FUNCTION casework_case_search_insert();

    CREATE FUNCTION casework_case_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE case_search s SET team_id = NEW.team_id,
        doc = CASE WHEN NEW.subject IS DISTINCT FROM OLD.subject OR NEW.description IS DISTINCT FROM OLD.description
          THEN casework_doc_concat(casework_case_doc(NEW.subject, NEW.description), ts_filter(s.doc, '{c,d}')) ELSE s.doc END
      WHERE s.case_id = NEW.id;
      RETURN NULL;
    END $$;
    CREATE TRIGGER cases_search_update AFTER UPDATE ON cases FOR EACH ROW
      WHEN (OLD.team_id IS DISTINCT FROM NEW.team_id OR OLD.subject IS DISTINCT FROM NEW.subject
        OR OLD.description IS DISTINCT FROM NEW.description)
      EXECUTE FUNCTION casework_case_search_update();

    -- One statement for all the new messages; only if a document would outgrow the limit is it
    -- redone case by case (a subtransaction per case instead of one per statement).
    CREATE FUNCTION casework_messages_search() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      BEGIN
        UPDATE case_search s SET doc = s.doc || m.doc
        FROM (SELECT n.case_id, casework_messages_doc(string_agg(n.body, ' ' ORDER BY n.created_at, n.id) FILTER (WHERE NOT n.internal),
            string_agg(n.body, ' ' ORDER BY n.created_at, n.id) FILTER (WHERE n.internal)) AS doc
          FROM new_messages n GROUP BY n.case_id) m
        WHERE s.case_id = m.case_id;
      EXCEPTION WHEN program_limit_exceeded THEN
        UPDATE case_search s SET doc = casework_doc_concat(s.doc, m.doc)
        FROM (SELECT n.case_id, casework_messages_doc(string_agg(n.body, ' ' ORDER BY n.created_at, n.id) FILTER (WHERE NOT n.internal),
            string_agg(n.body, ' ' ORDER BY n.created_at, n.id) FILTER (WHERE n.internal)) AS doc
          FROM new_messages n GROUP BY n.case_id) m
        WHERE s.case_id = m.case_id;
      END;
      RETURN NULL;
    END $$;
    CREATE TRIGGER messages_search AFTER INSERT ON messages REFERENCING NEW TABLE AS new_messages
      FOR EACH STATEMENT EXECUTE FUNCTION casework_messages_search();
`;
