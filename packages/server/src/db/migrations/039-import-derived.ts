/**
 * An import writes the rows derived from its cases itself, once per case, instead of letting the
 * triggers build them in two steps. The triggers that keep the search document
 * (`cases_search_insert`, `messages_search`, migration 017) and a case's first response
 * (`messages_first_response`, migration 025) do nothing in a transaction that set
 * `casework.import` to `on` (set_config(..., true): for that transaction only); the import then
 * gives each case its `first_response_at` in its row and its whole search document (subject,
 * description and conversation, as the triggers would have left it) through
 * `casework_import_search` in one statement. Before, each imported case's document was written
 * with its subject and then rewritten with its messages (a second heap row and GIN entries for
 * every word), and each case with a reply was updated again for its first response.
 */
export const up = /* sql */ `
  CREATE OR REPLACE FUNCTION casework_case_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF current_setting('casework.import', true) = 'on' THEN RETURN NULL; END IF;
    INSERT INTO case_search (case_id, team_id, doc)
    SELECT n.id, n.team_id, casework_case_doc(n.subject, n.description) FROM new_cases n;
    RETURN NULL;
  END $$;

  CREATE OR REPLACE FUNCTION casework_messages_search() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF current_setting('casework.import', true) = 'on' THEN RETURN NULL; END IF;
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

  CREATE OR REPLACE FUNCTION casework_first_response() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF current_setting('casework.import', true) = 'on' THEN RETURN NULL; END IF;
    UPDATE cases c SET first_response_at = m.at
    FROM (SELECT n.case_id, min(n.created_at) AS at FROM new_messages n WHERE n.direction = 'outbound' GROUP BY n.case_id) m
    WHERE c.id = m.case_id AND (c.first_response_at IS NULL OR c.first_response_at > m.at);
    RETURN NULL;
  END $$;

  -- The imported cases' search documents: subject and description, then the conversation's public
  -- text (weight D) and notes (weight C), each in time order; a document that would outgrow
  -- tsvector's limit keeps its subject and description, as the trigger does.
  CREATE FUNCTION casework_import_search(p_ids uuid[], p_public text[], p_notes text[]) RETURNS void LANGUAGE plpgsql AS $$
  BEGIN
    BEGIN
      INSERT INTO case_search (case_id, team_id, doc)
      SELECT c.id, c.team_id, casework_case_doc(c.subject, c.description)
        || CASE WHEN u.pub IS NULL AND u.notes IS NULL THEN ''::tsvector ELSE casework_messages_doc(u.pub, u.notes) END
      FROM unnest(p_ids, p_public, p_notes) AS u(id, pub, notes) JOIN cases c ON c.id = u.id;
    EXCEPTION WHEN program_limit_exceeded THEN
      INSERT INTO case_search (case_id, team_id, doc)
      SELECT c.id, c.team_id, casework_doc_concat(casework_case_doc(c.subject, c.description),
          CASE WHEN u.pub IS NULL AND u.notes IS NULL THEN ''::tsvector ELSE casework_messages_doc(u.pub, u.notes) END)
      FROM unnest(p_ids, p_public, p_notes) AS u(id, pub, notes) JOIN cases c ON c.id = u.id;
    END;
  END $$;
`;
