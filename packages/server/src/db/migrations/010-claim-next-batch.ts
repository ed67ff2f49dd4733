/**
 * Claim-next for several agents in one statement and one transaction (see batcher.ts and
 * use-cases/claim-next.ts): each request is `casework_claim_next` (migration 007) for one agent,
 * in the order given, so a case one request claims is no longer queued for the next; the outcomes
 * come back tagged with the request's number `n`. One round trip, one commit and one WAL flush
 * serve every agent whose claim arrived in the same turn of the event loop or while other
 * batches were running.
 *
 * `p_requests` is a JSON array of {n, actor, teams, day_start, day_end, data} (`data`: the
 * history rows' data for that agent, in the order of `p_event_types`).
 */
export const up = /* sql */ `
  CREATE OR REPLACE FUNCTION casework_claim_next_batch(
    p_requests jsonb, p_now timestamptz, p_status text, p_event_types text[], p_hook_events text[])
  RETURNS TABLE (
    n int, outcome text, event_ids text[],
    id text, reference text, subject text, description text, type text, status text, resolution text,
    team_id text, team_name text, owner_id text, owner_name text, customer_id text, customer_name text,
    customer_email text, customer_phone text, follow_up_of text, rating_stars int, rating_note text,
    created_at timestamptz, updated_at timestamptz, resolved_at timestamptz, wake_at timestamptz,
    last_activity_at timestamptz, collaborator_ids text[])
  LANGUAGE plpgsql VOLATILE AS $fn$
  #variable_conflict use_column
  DECLARE
    r record;
  BEGIN
    FOR r IN SELECT * FROM jsonb_to_recordset(p_requests)
      AS x(n int, actor uuid, teams uuid[], day_start timestamptz, day_end timestamptz, data jsonb[])
      ORDER BY x.n
    LOOP
      RETURN QUERY SELECT r.n, c.* FROM casework_claim_next(r.teams, r.day_start, r.day_end, r.actor, p_now,
        p_status, p_event_types, r.data, p_hook_events) c;
    END LOOP;
  END
  $fn$;
`;
