/**
 * My Work's cards show each case's nearest SLA due time (SPEC §12), as the Cases list's do:
 * `casework_my_work` returns the case's clock record (`cases.sla`, read from the row it already
 * reads for the card), so My Work stays one statement. Its result type changes, so it is dropped and
 * created again (body from db/sql-functions.ts, checked by tests/sql-rules.test.ts).
 */
export const up = /* sql */ `
  DROP FUNCTION casework_my_work(uuid, uuid[], timestamptz, timestamptz, int, timestamptz);
CREATE OR REPLACE FUNCTION casework_my_work(
    p_user uuid, p_teams uuid[], p_day_start timestamptz, p_day_end timestamptz, p_limit int, p_now timestamptz)
  RETURNS TABLE (
    k text, meta jsonb,
    id text, reference text, subject text, description text, type text, status text, resolution text,
    resolution_reason text,
    team_id text, team_name text, owner_id text, owner_name text, customer_id text, customer_name text,
    customer_email text, customer_phone text, follow_up_of text, rating_stars int, rating_note text,
    created_at timestamptz, updated_at timestamptz, resolved_at timestamptz, wake_at timestamptz,
    last_activity_at timestamptz, collaborator_ids text[], priority smallint, tags text[],
    last_message_preview text, last_message_from_customer boolean, last_message_author_name text, last_message_at timestamptz,
    sla jsonb)
  LANGUAGE plpgsql STABLE AS $fn$
  #variable_conflict use_column
  DECLARE
    v_pick uuid;
    v_type text;
    v_today boolean := true;
    v_total int;
    v_todays int;
    v_max int;
    v_open int := 0;
    v_collapsed text[];
    v_counts jsonb;
    v_guard jsonb;
    v_due timestamptz;
  BEGIN
    -- The SLA guard first: the most urgent queued case whose first response is due soon or breached.
    SELECT h.id, h.type, h.sla_first_due_at INTO v_pick, v_type, v_due 
      FROM unnest(p_teams) AS t(team_id)
      CROSS JOIN LATERAL (
        SELECT q.id, q.type, q.sla_first_due_at FROM cases q
        WHERE q.team_id = t.team_id AND q.status = 'new' AND q.owner_id IS NULL AND q.sla_first_soon_at IS NOT NULL AND q.sla_first_soon_at <= p_now
        ORDER BY q.sla_first_due_at, q.id LIMIT 1) h
      WHERE (SELECT o.sla_guard FROM organisation o WHERE o.id = 1)
    ORDER BY h.sla_first_due_at, h.id LIMIT 1;
    IF v_pick IS NOT NULL THEN
      SELECT jsonb_build_object('breached', v_due <= p_now, 'count', count(*)) INTO v_guard
      FROM cases q WHERE q.team_id = ANY (p_teams) AND q.status = 'new' AND q.owner_id IS NULL AND q.sla_first_soon_at IS NOT NULL AND q.sla_first_soon_at <= p_now;
      SELECT q.created_at >= p_day_start AND q.created_at < p_day_end INTO v_today FROM cases q WHERE q.id = v_pick;
    END IF;

    -- The queue head: one index probe per (team, type rank) on cases_queue, then the best of those.
    IF v_pick IS NULL THEN
    SELECT h.id, h.type INTO v_pick, v_type
    FROM unnest(p_teams) AS t(team_id) CROSS JOIN generate_series(1, 6) AS g(rank)
    CROSS JOIN LATERAL (
      SELECT q.id, q.type, q.created_at FROM cases q
      WHERE q.team_id = t.team_id AND q.type_rank = g.rank AND q.status = 'new' AND q.owner_id IS NULL
        AND q.created_at >= p_day_start AND q.created_at < p_day_end
      ORDER BY q.created_at DESC, q.id DESC LIMIT 1) h
    ORDER BY g.rank, h.created_at DESC, h.id DESC LIMIT 1;
    IF v_pick IS NULL THEN
      v_today := false;
      SELECT h.id, h.type INTO v_pick, v_type
      FROM unnest(p_teams) AS t(team_id) CROSS JOIN generate_series(1, 6) AS g(rank)
      CROSS JOIN LATERAL (
        SELECT q.id, q.type, q.created_at FROM cases q
        WHERE q.team_id = t.team_id AND q.type_rank = g.rank AND q.status = 'new' AND q.owner_id IS NULL
        ORDER BY q.created_at, q.id LIMIT 1) h
      ORDER BY g.rank, h.created_at, h.id LIMIT 1;
    END IF;
    END IF;

    SELECT count(*)::int, count(*) FILTER (WHERE q.created_at >= p_day_start AND q.created_at < p_day_end)::int
    INTO v_total, v_todays
    FROM cases q WHERE q.team_id = ANY (p_teams) AND q.status = 'new' AND q.owner_id IS NULL;

    SELECT o.max_open_per_user INTO v_max FROM organisation o WHERE o.id = 1;
    IF v_max IS NOT NULL THEN
      SELECT count(*)::int INTO v_open FROM cases c WHERE c.owner_id = p_user AND c.status IN ('new', 'ready', 'waiting');
    END IF;
    SELECT p.collapsed_sections INTO v_collapsed FROM user_preferences p WHERE p.user_id = p_user;

    SELECT jsonb_build_object(
      'active_chats', (SELECT count(*) FROM cases c WHERE c.owner_id = p_user AND c.status = 'ready' AND c.type IN ('web_connect', 'support_sdk')),
      'ready', (SELECT count(*) FROM cases c WHERE c.owner_id = p_user AND c.status = 'ready' AND c.type NOT IN ('web_connect', 'support_sdk')),
      'waiting', (SELECT count(*) FROM cases c WHERE c.owner_id = p_user AND c.status = 'waiting'),
      'solved_today', (SELECT count(*) FROM cases c WHERE c.owner_id = p_user AND c.status = 'resolved' AND c.resolved_at >= p_day_start AND c.resolved_at < p_day_end AND c.resolution_reason IS DISTINCT FROM 'abandoned'),
      'following', (SELECT count(*) FROM cases c WHERE c.id IN (SELECT f.case_id FROM case_collaborators f WHERE f.user_id = p_user) AND c.owner_id IS DISTINCT FROM p_user AND c.status IN ('new', 'ready', 'waiting')))
    INTO v_counts;

    k := 'meta';
    meta := jsonb_build_object(
      'pick', CASE WHEN v_pick IS NULL THEN NULL ELSE jsonb_build_object('id', v_pick::text, 'type', v_type, 'createdToday', v_today, 'guard', v_guard) END,
      'total', v_total, 'today', v_todays, 'counts', v_counts,
      'collapsed', to_jsonb(coalesce(v_collapsed, '{}')), 'max', v_max, 'open', v_open);
    RETURN NEXT;
    k := NULL;
    meta := NULL;

    RETURN QUERY
    WITH ids AS (
      SELECT 'next'::text AS k, 0 AS n, v_pick AS id WHERE v_pick IS NOT NULL
      UNION ALL (SELECT 'active_chats', 1, c.id FROM cases c WHERE c.owner_id = p_user AND c.status = 'ready' AND c.type IN ('web_connect', 'support_sdk')
        ORDER BY c.created_at DESC, c.id DESC LIMIT p_limit + 1)
      UNION ALL (SELECT 'ready', 2, c.id FROM cases c WHERE c.owner_id = p_user AND c.status = 'ready' AND c.type NOT IN ('web_connect', 'support_sdk')
        ORDER BY c.created_at DESC, c.id DESC LIMIT p_limit + 1)
      UNION ALL (SELECT 'waiting', 3, c.id FROM cases c WHERE c.owner_id = p_user AND c.status = 'waiting'
        ORDER BY c.created_at DESC, c.id DESC LIMIT p_limit + 1)
      UNION ALL (SELECT 'solved_today', 4, c.id FROM cases c WHERE c.owner_id = p_user AND c.status = 'resolved' AND c.resolved_at >= p_day_start AND c.resolved_at < p_day_end AND c.resolution_reason IS DISTINCT FROM 'abandoned'
        ORDER BY c.created_at DESC, c.id DESC LIMIT p_limit + 1)
      UNION ALL (SELECT 'following', 5, c.id FROM cases c WHERE c.id IN (SELECT f.case_id FROM case_collaborators f WHERE f.user_id = p_user) AND c.owner_id IS DISTINCT FROM p_user AND c.status IN ('new', 'ready', 'waiting')
        ORDER BY c.created_at DESC, c.id DESC LIMIT p_limit + 1))
    SELECT ids.k, NULL::jsonb,
      c.id::text, c.reference, c.subject, c.description, c.type, c.status, c.resolution, c.resolution_reason,
      c.team_id::text, t.name, c.owner_id::text, o.name, c.customer_id::text, cu.name, cu.email, cu.phone,
      c.follow_up_of::text, c.rating_stars::int, c.rating_note, c.created_at, c.updated_at, c.resolved_at, c.wake_at,
      c.last_activity_at,
      array(SELECT cc.user_id::text FROM case_collaborators cc WHERE cc.case_id = c.id ORDER BY cc.created_at, cc.user_id),
      c.priority, c.tags,
      c.last_message_preview, c.last_message_from_customer, lm.name, c.last_message_at, c.sla
    FROM ids JOIN cases c ON c.id = ids.id JOIN teams t ON t.id = c.team_id
      LEFT JOIN users o ON o.id = c.owner_id LEFT JOIN customers cu ON cu.id = c.customer_id
      LEFT JOIN users lm ON lm.id = c.last_message_author_id
    ORDER BY ids.n, c.created_at DESC, c.id DESC;
  END
  $fn$;

`;
