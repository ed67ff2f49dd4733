/**
 * Claim It on one case in one statement (issue 20): `casework_claim_case` locks the case, and when it
 * is queued on a team where the actor may claim and no limit on open cases applies, claims it as
 * claim-next claims a queued case, appends the history with its webhook deliveries and returns the
 * case view; otherwise it changes nothing and the server takes the lifecycle write path (body from
 * db/sql-functions.ts, checked by tests/sql-rules.test.ts).
 */
export const up = /* sql */ `
CREATE OR REPLACE FUNCTION casework_claim_case(
    p_id uuid, p_teams uuid[], p_actor uuid, p_now timestamptz,
    p_status text, p_event_types text[], p_event_data jsonb[], p_hook_events text[])
  RETURNS TABLE (
    outcome text, event_ids text[],
    id text, reference text, subject text, description text, type text, status text, resolution text, resolution_reason text,
    team_id text, team_name text, owner_id text, owner_name text, customer_id text, customer_name text,
    customer_email text, customer_phone text, follow_up_of text, rating_stars int, rating_note text,
    created_at timestamptz, updated_at timestamptz, resolved_at timestamptz, wake_at timestamptz,
    spam_at timestamptz, last_activity_at timestamptz, fields jsonb, priority smallint, tags text[],
    last_message_preview text, last_message_from_customer boolean, last_message_author_name text, last_message_at timestamptz,
    satisfaction_stars int, satisfaction_comment text, satisfaction_at timestamptz, sla jsonb,
    collaborator_ids text[])
  LANGUAGE plpgsql VOLATILE AS $fn$
  #variable_conflict use_column
  DECLARE
    v_id uuid := p_id;
    v_status text;
    v_owner uuid;
    v_team uuid;
    v_events bigint[];
  BEGIN
    IF (SELECT o.max_open_per_user FROM organisation o WHERE o.id = 1) IS NOT NULL THEN
      outcome := 'other'; -- the other columns stay null
      RETURN NEXT;
      RETURN;
    END IF;
    SELECT c.status, c.owner_id, c.team_id INTO v_status, v_owner, v_team FROM cases c WHERE c.id = v_id FOR UPDATE;
    IF NOT FOUND OR NOT (v_status = 'new' AND v_owner IS NULL) OR NOT (v_team = ANY (p_teams)) THEN
      outcome := 'other'; -- the other columns stay null
      RETURN NEXT;
      RETURN;
    END IF;

    UPDATE cases c SET status = p_status, owner_id = p_actor, updated_at = p_now, last_activity_at = p_now WHERE c.id = v_id;

    WITH ev AS (
      INSERT INTO case_events (case_id, type, actor_id, data, created_at)
      SELECT v_id, e.type, p_actor, e.data, p_now
      FROM unnest(p_event_types, p_event_data) WITH ORDINALITY AS e(type, data, n)
      ORDER BY e.n
      RETURNING case_events.id, case_events.type, case_events.data),
    hooks AS (
      INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, case_id, data, status, next_attempt_at, created_at)
      SELECT encode(set_byte(overlay(uuid_send(gen_random_uuid())
               placing substring(int8send((extract(epoch FROM p_now) * 1000)::bigint) FROM 3) FROM 1 FOR 6),
               6, (get_byte(uuid_send(gen_random_uuid()), 6) & 15) | 112), 'hex')::uuid,
        w.id, ev.id, ev.type, v_id,
        jsonb_build_object('caseId', v_id::text, 'eventId', ev.id::text, 'actorId', p_actor::text) || ev.data,
        'pending', p_now, p_now
      FROM ev JOIN webhooks w ON w.active AND ev.type = ANY (w.events)
      WHERE ev.type = ANY (p_hook_events)
      RETURNING 1)
    SELECT array_agg(ev.id ORDER BY ev.id) INTO v_events
    FROM ev LEFT JOIN (SELECT count(*) AS n FROM hooks) h ON true;

    RETURN QUERY SELECT 'claimed'::text, (SELECT array_agg(x::text ORDER BY x) FROM unnest(v_events) x),
      c.id::text, c.reference, c.subject, c.description, c.type, c.status, c.resolution, c.resolution_reason,
      c.team_id::text, t.name, c.owner_id::text, o.name, c.customer_id::text, cu.name, cu.email, cu.phone,
      c.follow_up_of::text, c.rating_stars::int, c.rating_note, c.created_at, c.updated_at, c.resolved_at, c.wake_at,
      c.spam_at, c.last_activity_at, c.fields, c.priority, c.tags,
      c.last_message_preview, c.last_message_from_customer, lm.name, c.last_message_at,
      c.satisfaction_stars::int, c.satisfaction_comment, c.satisfaction_at, c.sla,
      array(SELECT cc.user_id::text FROM case_collaborators cc WHERE cc.case_id = c.id ORDER BY cc.created_at, cc.user_id)
    FROM cases c JOIN teams t ON t.id = c.team_id LEFT JOIN users o ON o.id = c.owner_id
      LEFT JOIN customers cu ON cu.id = c.customer_id LEFT JOIN users lm ON lm.id = c.last_message_author_id
    WHERE c.id = v_id;
  END
  $fn$;
`;
