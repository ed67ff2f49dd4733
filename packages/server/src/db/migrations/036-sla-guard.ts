import { slaClockJson, slaOutcomeOfClock } from '../sql-rules.ts';

/**
 * The SLA guard for Next Unassigned (SPEC §12, `slaGuard`, default off), and reports' SLA
 * achievement read from plain columns. `organisation.sla_guard` turns the guard on. Beside each
 * case's clock record (migration 032) the domain's slaColumns now also write:
 * `sla_first_soon_at` and `sla_first_due_at` (the first-response clock's due-soon and due times
 * while it runs unmet), `sla_first_outcome` and `sla_resolution_outcome` (storedOutcome: met,
 * breached, or running) and `sla_resolution_due_at` (the resolution clock's due time while it runs
 * unmet); a report reads them in its scan of created cases instead of each case's JSON (a third of
 * the time at a million cases). They are filled here from each case's record (slaOutcomeOfClock at
 * -infinity: a running clock stays running). `cases_sla_guard` finds a team's queued cases in order
 * of urgency. `casework_my_work` takes the time (p_now: its signature changes, so it is dropped and
 * created again) and, like `casework_claim_next`, picks a queued case whose first response is due
 * soon or breached before the §3.1 order when the guard is on (bodies from db/sql-functions.ts,
 * checked by tests/sql-rules.test.ts).
 */
const running = (kind: 'firstResponse' | 'resolution', field: 'soonAt' | 'dueAt') =>
  `(SELECT CASE WHEN k->>'runningSince' IS NOT NULL AND k->>'metAt' IS NULL THEN (k->>'${field}')::timestamptz END
    FROM (SELECT ${slaClockJson('c', kind)} AS k) clock)`;

export const up = /* sql */ `
  ALTER TABLE organisation ADD COLUMN sla_guard boolean NOT NULL DEFAULT false;
  ALTER TABLE cases ADD COLUMN sla_first_soon_at timestamptz, ADD COLUMN sla_first_due_at timestamptz,
    ADD COLUMN sla_first_outcome text, ADD COLUMN sla_resolution_outcome text, ADD COLUMN sla_resolution_due_at timestamptz;
  UPDATE cases c SET
    sla_first_soon_at = ${running('firstResponse', 'soonAt')},
    sla_first_due_at = ${running('firstResponse', 'dueAt')},
    sla_first_outcome = ${slaOutcomeOfClock(slaClockJson('c', 'firstResponse'), "'-infinity'::timestamptz", 'true')},
    sla_resolution_outcome = ${slaOutcomeOfClock(slaClockJson('c', 'resolution'), "'-infinity'::timestamptz", 'true')},
    sla_resolution_due_at = ${running('resolution', 'dueAt')}
  WHERE c.sla IS NOT NULL;
  CREATE INDEX cases_sla_guard ON cases (team_id, sla_first_due_at, id)
    WHERE status = 'new' AND owner_id IS NULL AND sla_first_soon_at IS NOT NULL;

  DROP FUNCTION casework_my_work(uuid, uuid[], timestamptz, timestamptz, int);
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
    last_message_preview text, last_message_from_customer boolean, last_message_author_name text, last_message_at timestamptz)
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
      c.last_message_preview, c.last_message_from_customer, lm.name, c.last_message_at
    FROM ids JOIN cases c ON c.id = ids.id JOIN teams t ON t.id = c.team_id
      LEFT JOIN users o ON o.id = c.owner_id LEFT JOIN customers cu ON cu.id = c.customer_id
      LEFT JOIN users lm ON lm.id = c.last_message_author_id
    ORDER BY ids.n, c.created_at DESC, c.id DESC;
  END
  $fn$;

CREATE OR REPLACE FUNCTION casework_claim_next(
    p_teams uuid[], p_day_start timestamptz, p_day_end timestamptz, p_actor uuid, p_now timestamptz,
    p_status text, p_event_types text[], p_event_data jsonb[], p_hook_events text[])
  RETURNS TABLE (
    outcome text, event_ids text[],
    id text, reference text, subject text, description text, type text, status text, resolution text,
    team_id text, team_name text, owner_id text, owner_name text, customer_id text, customer_name text,
    customer_email text, customer_phone text, follow_up_of text, rating_stars int, rating_note text,
    created_at timestamptz, updated_at timestamptz, resolved_at timestamptz, wake_at timestamptz,
    last_activity_at timestamptz, collaborator_ids text[], priority smallint, tags text[])
  LANGUAGE plpgsql VOLATILE AS $fn$
  #variable_conflict use_column
  DECLARE
    v_heads uuid[];
    v_candidate uuid;
    v_id uuid;
    v_status text;
    v_owner uuid;
    v_team uuid;
    v_events bigint[];
    v_collaborators text[];
  BEGIN
    IF (SELECT o.max_open_per_user FROM organisation o WHERE o.id = 1) IS NOT NULL THEN
      outcome := 'capacity_limited'; -- the other columns stay null
      RETURN NEXT;
      RETURN;
    END IF;

    -- The SLA guard's heads first: up to 8 per team, most urgent first.
    SELECT array_agg(h.id ORDER BY h.sla_first_due_at, h.id) INTO v_heads 
      FROM unnest(p_teams) AS t(team_id)
      CROSS JOIN LATERAL (
        SELECT q.id, q.type, q.sla_first_due_at FROM cases q
        WHERE q.team_id = t.team_id AND q.status = 'new' AND q.owner_id IS NULL AND q.sla_first_soon_at IS NOT NULL AND q.sla_first_soon_at <= p_now
        ORDER BY q.sla_first_due_at, q.id LIMIT 8) h
      WHERE (SELECT o.sla_guard FROM organisation o WHERE o.id = 1);

    -- Up to 8 heads per (team, type rank) from cases_queue, best first.
    IF v_heads IS NULL THEN
    SELECT array_agg(h.id ORDER BY g.rank, h.created_at DESC, h.id DESC) INTO v_heads
    FROM unnest(p_teams) AS t(team_id) CROSS JOIN generate_series(1, 6) AS g(rank)
    CROSS JOIN LATERAL (
      SELECT q.id, q.created_at FROM cases q
      WHERE q.team_id = t.team_id AND q.type_rank = g.rank AND q.status = 'new' AND q.owner_id IS NULL
        AND q.created_at >= p_day_start AND q.created_at < p_day_end
      ORDER BY q.created_at DESC, q.id DESC LIMIT 8) h;
    IF v_heads IS NULL THEN
      SELECT array_agg(h.id ORDER BY g.rank, h.created_at, h.id) INTO v_heads
      FROM unnest(p_teams) AS t(team_id) CROSS JOIN generate_series(1, 6) AS g(rank)
      CROSS JOIN LATERAL (
        SELECT q.id, q.created_at FROM cases q
        WHERE q.team_id = t.team_id AND q.type_rank = g.rank AND q.status = 'new' AND q.owner_id IS NULL
        ORDER BY q.created_at, q.id LIMIT 8) h;
    END IF;
    END IF;
    IF v_heads IS NULL THEN
      outcome := 'empty'; -- the other columns stay null
      RETURN NEXT;
      RETURN;
    END IF;

    -- The first head no other transaction holds, still queued once locked. The lock is taken by
    -- primary key alone (a plan that cannot depend on how many cases are queued); the queue
    -- condition is checked on the locked row.
    FOREACH v_candidate IN ARRAY v_heads LOOP
      SELECT c.status, c.owner_id INTO v_status, v_owner FROM cases c WHERE c.id = v_candidate FOR UPDATE SKIP LOCKED;
      IF FOUND AND v_status = 'new' AND v_owner IS NULL THEN
        v_id := v_candidate;
        EXIT;
      END IF;
    END LOOP;
    IF v_id IS NULL THEN
      outcome := 'busy'; -- the other columns stay null
      RETURN NEXT;
      RETURN;
    END IF;

    UPDATE cases c SET status = p_status, owner_id = p_actor, updated_at = p_now, last_activity_at = p_now
    WHERE c.id = v_id RETURNING c.team_id INTO v_team;

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

    SELECT coalesce(array_agg(cc.user_id::text ORDER BY cc.created_at, cc.user_id), '{}') INTO v_collaborators
    FROM case_collaborators cc WHERE cc.case_id = v_id;

    RETURN QUERY SELECT 'claimed'::text, (SELECT array_agg(x::text ORDER BY x) FROM unnest(v_events) x),
      c.id::text, c.reference, c.subject, c.description, c.type, c.status, c.resolution,
      c.team_id::text, t.name, c.owner_id::text, o.name, c.customer_id::text, cu.name, cu.email, cu.phone,
      c.follow_up_of::text, c.rating_stars::int, c.rating_note, c.created_at, c.updated_at, c.resolved_at, c.wake_at,
      c.last_activity_at, v_collaborators, c.priority, c.tags
    FROM cases c JOIN teams t ON t.id = c.team_id LEFT JOIN users o ON o.id = c.owner_id
      LEFT JOIN customers cu ON cu.id = c.customer_id
    WHERE c.id = v_id;
  END
  $fn$;
`;
