import { SECTION_KEYS } from '@casework/domain';
import { QUEUE_LOCK_DEPTH, TYPE_RANKS, fill, openStatus, queued, queuedOn, section, slaGuarded } from './sql-rules.ts';

/**
 * The server functions that apply the domain's rules, with their bodies built from db/sql-rules.ts.
 * A migration installs them as frozen text (the latest: 020-case-data); tests/sql-rules.test.ts
 * reads the installed bodies (pg_proc.prosrc) and fails when they differ from what is built here,
 * so a changed rule needs a new migration recreating them. `npx tsx packages/server/src/db/sql-functions.ts`
 * prints the statements to put in it.
 */
export type SqlFunction = { name: string; create: string; body: string };

const CASE_COLUMNS = `id text, reference text, subject text, description text, type text, status text, resolution text,
    resolution_reason text,
    team_id text, team_name text, owner_id text, owner_name text, customer_id text, customer_name text,
    customer_email text, customer_phone text, follow_up_of text, rating_stars int, rating_note text,
    created_at timestamptz, updated_at timestamptz, resolved_at timestamptz, wake_at timestamptz,
    last_activity_at timestamptz, collaborator_ids text[], priority smallint, tags text[]`;

/**
 * My Work's cards also show the last public message (migration 021) and the SLA clocks (migration
 * 042), which the claim functions' cases leave out.
 */
const MY_WORK_COLUMNS = `${CASE_COLUMNS},
    last_message_preview text, last_message_from_customer boolean, last_message_author_name text, last_message_at timestamptz,
    sla jsonb`;

const SECTION_INPUTS = { user: 'p_user', day_start: 'p_day_start', day_end: 'p_day_end' };
const sectionIn = (key: (typeof SECTION_KEYS)[number]) => fill(section(key, 'c'), SECTION_INPUTS);

/**
 * The SLA guard's queue heads (SPEC §12, the domain's pickNext with slaGuard): when the organisation
 * has it on, each team's queued cases whose first response is due soon or breached at p_now, most
 * urgent first (first-response due time, then id), `n` per team, over the index cases_sla_guard.
 */
const guardHeads = (n: number) => `
      FROM unnest(p_teams) AS t(team_id)
      CROSS JOIN LATERAL (
        SELECT q.id, q.type, q.sla_first_due_at FROM cases q
        WHERE q.team_id = t.team_id AND ${queued('q')} AND q.sla_first_soon_at IS NOT NULL AND ${slaGuarded('q', 'p_now')}
        ORDER BY q.sla_first_due_at, q.id LIMIT ${n}) h
      WHERE (SELECT o.sla_guard FROM organisation o WHERE o.id = 1)`;

/** casework_my_work: everything My Work shows, in one snapshot (migrations 008, 012, 020, 021, 036, 042; see db/repos/sections.ts). */
const myWorkBody = `
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
    SELECT h.id, h.type, h.sla_first_due_at INTO v_pick, v_type, v_due ${guardHeads(1)}
    ORDER BY h.sla_first_due_at, h.id LIMIT 1;
    IF v_pick IS NOT NULL THEN
      SELECT jsonb_build_object('breached', v_due <= p_now, 'count', count(*)) INTO v_guard
      FROM cases q WHERE q.team_id = ANY (p_teams) AND ${queued('q')} AND q.sla_first_soon_at IS NOT NULL AND ${slaGuarded('q', 'p_now')};
      SELECT q.created_at >= p_day_start AND q.created_at < p_day_end INTO v_today FROM cases q WHERE q.id = v_pick;
    END IF;

    -- The queue head: one index probe per (team, type rank) on cases_queue, then the best of those.
    IF v_pick IS NULL THEN
    SELECT h.id, h.type INTO v_pick, v_type
    FROM unnest(p_teams) AS t(team_id) CROSS JOIN ${TYPE_RANKS} AS g(rank)
    CROSS JOIN LATERAL (
      SELECT q.id, q.type, q.created_at FROM cases q
      WHERE q.team_id = t.team_id AND q.type_rank = g.rank AND ${queued('q')}
        AND q.created_at >= p_day_start AND q.created_at < p_day_end
      ORDER BY q.created_at DESC, q.id DESC LIMIT 1) h
    ORDER BY g.rank, h.created_at DESC, h.id DESC LIMIT 1;
    IF v_pick IS NULL THEN
      v_today := false;
      SELECT h.id, h.type INTO v_pick, v_type
      FROM unnest(p_teams) AS t(team_id) CROSS JOIN ${TYPE_RANKS} AS g(rank)
      CROSS JOIN LATERAL (
        SELECT q.id, q.type, q.created_at FROM cases q
        WHERE q.team_id = t.team_id AND q.type_rank = g.rank AND ${queued('q')}
        ORDER BY q.created_at, q.id LIMIT 1) h
      ORDER BY g.rank, h.created_at, h.id LIMIT 1;
    END IF;
    END IF;

    SELECT count(*)::int, count(*) FILTER (WHERE q.created_at >= p_day_start AND q.created_at < p_day_end)::int
    INTO v_total, v_todays
    FROM cases q WHERE q.team_id = ANY (p_teams) AND ${queued('q')};

    SELECT o.max_open_per_user INTO v_max FROM organisation o WHERE o.id = 1;
    IF v_max IS NOT NULL THEN
      SELECT count(*)::int INTO v_open FROM cases c WHERE c.owner_id = p_user AND ${openStatus('c')};
    END IF;
    SELECT p.collapsed_sections INTO v_collapsed FROM user_preferences p WHERE p.user_id = p_user;

    SELECT jsonb_build_object(${SECTION_KEYS.map(
      (key) => `
      '${key}', (SELECT count(*) FROM cases c WHERE ${sectionIn(key)})`,
    ).join(',')})
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
      SELECT 'next'::text AS k, 0 AS n, v_pick AS id WHERE v_pick IS NOT NULL${SECTION_KEYS.map(
        (key, i) => `
      UNION ALL (SELECT '${key}', ${i + 1}, c.id FROM cases c WHERE ${sectionIn(key)}
        ORDER BY c.created_at DESC, c.id DESC LIMIT p_limit + 1)`,
      ).join('')})
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
  `;

const myWork: SqlFunction = {
  name: 'casework_my_work',
  body: myWorkBody,
  create: `CREATE OR REPLACE FUNCTION casework_my_work(
    p_user uuid, p_teams uuid[], p_day_start timestamptz, p_day_end timestamptz, p_limit int, p_now timestamptz)
  RETURNS TABLE (
    k text, meta jsonb,
    ${MY_WORK_COLUMNS})
  LANGUAGE plpgsql STABLE AS $fn$${myWorkBody}$fn$;`,
};

/**
 * The claim functions' history: the rows of `p_event_types`/`p_event_data` for case `v_id` by
 * `p_actor` at `p_now`, and in the same statement one webhook delivery per active webhook
 * subscribed to each (the SQL of db/repos/case-events.ts's insertCaseEvents); their ids in `v_events`.
 */
const appendClaimEvents = `    WITH ev AS (
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
`;

/** casework_claim_next: pick, lock and claim the best queued case (migrations 007, 020, 036; see use-cases/claim-next.ts). */
const claimNextBody = `
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

    -- The SLA guard's heads first: up to ${QUEUE_LOCK_DEPTH} per team, most urgent first.
    SELECT array_agg(h.id ORDER BY h.sla_first_due_at, h.id) INTO v_heads ${guardHeads(QUEUE_LOCK_DEPTH)};

    -- Up to ${QUEUE_LOCK_DEPTH} heads per (team, type rank) from cases_queue, best first.
    IF v_heads IS NULL THEN
    SELECT array_agg(h.id ORDER BY g.rank, h.created_at DESC, h.id DESC) INTO v_heads
    FROM unnest(p_teams) AS t(team_id) CROSS JOIN ${TYPE_RANKS} AS g(rank)
    CROSS JOIN LATERAL (
      SELECT q.id, q.created_at FROM cases q
      WHERE q.team_id = t.team_id AND q.type_rank = g.rank AND ${queued('q')}
        AND q.created_at >= p_day_start AND q.created_at < p_day_end
      ORDER BY q.created_at DESC, q.id DESC LIMIT ${QUEUE_LOCK_DEPTH}) h;
    IF v_heads IS NULL THEN
      SELECT array_agg(h.id ORDER BY g.rank, h.created_at, h.id) INTO v_heads
      FROM unnest(p_teams) AS t(team_id) CROSS JOIN ${TYPE_RANKS} AS g(rank)
      CROSS JOIN LATERAL (
        SELECT q.id, q.created_at FROM cases q
        WHERE q.team_id = t.team_id AND q.type_rank = g.rank AND ${queued('q')}
        ORDER BY q.created_at, q.id LIMIT ${QUEUE_LOCK_DEPTH}) h;
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
      IF FOUND AND ${queuedOn('v_status', 'v_owner')} THEN
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

${appendClaimEvents}
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
  `;

const claimNext: SqlFunction = {
  name: 'casework_claim_next',
  body: claimNextBody,
  create: `CREATE OR REPLACE FUNCTION casework_claim_next(
    p_teams uuid[], p_day_start timestamptz, p_day_end timestamptz, p_actor uuid, p_now timestamptz,
    p_status text, p_event_types text[], p_event_data jsonb[], p_hook_events text[])
  RETURNS TABLE (
    outcome text, event_ids text[],
    id text, reference text, subject text, description text, type text, status text, resolution text,
    team_id text, team_name text, owner_id text, owner_name text, customer_id text, customer_name text,
    customer_email text, customer_phone text, follow_up_of text, rating_stars int, rating_note text,
    created_at timestamptz, updated_at timestamptz, resolved_at timestamptz, wake_at timestamptz,
    last_activity_at timestamptz, collaborator_ids text[], priority smallint, tags text[])
  LANGUAGE plpgsql VOLATILE AS $fn$${claimNextBody}$fn$;`,
};

/**
 * casework_claim_case: Claim It on one case in one statement (migration 044; see
 * use-cases/claim-case.ts). Locks the case, waiting for a claim in progress; if it is queued (the
 * queue condition of db/sql-rules.ts on the locked row), on one of `p_teams` (where the domain lets
 * the actor claim a queued case) and the organisation sets no limit on open cases per user, applies
 * the domain's claim of a queued case (`p_status`, owner `p_actor`, history `p_event_*`) and returns
 * the case as selectCaseViews reads it. Otherwise it changes nothing and answers `other`: the caller
 * takes the lifecycle write path, which answers the refusal.
 */
const claimCaseBody = `
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
    IF NOT FOUND OR NOT (${queuedOn('v_status', 'v_owner')}) OR NOT (v_team = ANY (p_teams)) THEN
      outcome := 'other'; -- the other columns stay null
      RETURN NEXT;
      RETURN;
    END IF;

    UPDATE cases c SET status = p_status, owner_id = p_actor, updated_at = p_now, last_activity_at = p_now WHERE c.id = v_id;

${appendClaimEvents}
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
  `;

const claimCase: SqlFunction = {
  name: 'casework_claim_case',
  body: claimCaseBody,
  create: `CREATE OR REPLACE FUNCTION casework_claim_case(
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
  LANGUAGE plpgsql VOLATILE AS $fn$${claimCaseBody}$fn$;`,
};

/** Every server function that states a domain rule. */
export const SQL_FUNCTIONS: readonly SqlFunction[] = [myWork, claimNext, claimCase];

// `npx tsx packages/server/src/db/sql-functions.ts` prints them for a new migration.
if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${SQL_FUNCTIONS.map((f) => f.create).join('\n\n')}\n`);
}
