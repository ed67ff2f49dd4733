import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CASE_TYPES,
  DEFAULT_PRIORITY,
  STATUSES,
  TYPE_RANK,
  dayBounds,
  isChatType,
  countsAsResolved,
  matchPolicy,
  priorityOfRank,
  replaySla,
  slaAttention,
  slaColumns,
  slaView,
  type CaseType,
  type SlaRecord,
  type Status,
} from '@casework/domain';
import { DB_KINDS, call, fixedClock, sql, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { loadDemo, type DemoLogin } from '../demo/load-demo.ts';
import { normalisePhone } from '../phone.ts';

type Row = Record<string, any>;

async function rows(t: TestApp, query: ReturnType<typeof sql>): Promise<Row[]> {
  return (await query.execute(t.db.kysely)).rows as Row[];
}

/** Signs in through the API and returns a caller that uses the session cookie. */
async function login(t: TestApp, email: string, password: string): Promise<TestUser & { status: number; me: Row }> {
  const res = await call(t, null, 'POST', '/api/v1/auth/login', { email, password });
  const raw = res.headers['set-cookie'];
  const cookie = String((Array.isArray(raw) ? raw[0] : raw) ?? '').split(';')[0]!;
  return { id: res.data?.id, email, token: '', headers: { cookie }, status: res.statusCode, me: res.data };
}

const sectionsOf = (work: Row) => Object.fromEntries((work.sections as Row[]).map((s) => [s.key, s]));

/** Every rule a real case keeps, checked on every demo case. */
async function expectCaseRules(t: TestApp, now: Date): Promise<void> {
  const cases = await rows(
    t,
    sql`SELECT c.*, (SELECT count(*)::int FROM messages m WHERE m.case_id = c.id) AS messages,
    EXISTS (SELECT 1 FROM team_members tm WHERE tm.team_id = c.team_id AND tm.user_id = c.owner_id) AS owner_in_team,
    (SELECT count(*)::int FROM customers cu WHERE cu.id = c.customer_id
      AND CASE WHEN c.type IN ('phone', 'sms') THEN cu.phone IS NOT NULL ELSE cu.email IS NOT NULL END) AS reachable
    FROM cases c`,
  );
  const refs = new Set(cases.map((c) => c.reference));
  expect(refs.size).toBe(cases.length);
  for (const c of cases) {
    const closedLike = ['resolved', 'closed', 'canceled'].includes(c.status);
    const problems = [
      c.status === 'new' && c.owner_id !== null && 'new with owner',
      c.owner_id !== null && !c.owner_in_team && 'owner outside the team',
      ['ready', 'waiting'].includes(c.status) && c.owner_id === null && 'open without owner',
      closedLike !== (c.resolved_at !== null) && 'resolved_at',
      closedLike !== (c.resolution !== null) && 'resolution',
      (c.status === 'canceled') !== (c.resolution === 'canceled') && 'canceled resolution',
      c.wake_at !== null && c.status !== 'waiting' && 'wake time on a case that is not waiting',
      c.rating_stars !== null && !(c.status === 'closed' && isChatType(c.type)) && 'rating',
      c.type_rank !== TYPE_RANK[c.type as keyof typeof TYPE_RANK] && 'type_rank',
      !/^[A-Z2-9]{6}$/.test(c.reference) && 'reference',
      (c.messages < 1 || c.messages > 6) && `messages ${c.messages}`,
      c.reachable !== 1 && "customer not reachable on the case's channel",
      c.created_at > now && 'created in the future',
      c.updated_at > now && 'updated in the future',
      c.resolved_at !== null && c.resolved_at < c.created_at && 'resolved before created',
      c.last_activity_at < c.created_at && 'activity before created',
      c.status === 'resolved' && now.getTime() - c.last_activity_at.getTime() >= 14 * 86_400_000 && 'resolved past auto-close',
    ].filter(Boolean);
    expect(problems, `${c.reference} ${c.status} ${c.type}`).toEqual([]);
  }
  // Customers' phones are stored as the product stores them (E.164), so a demo customer's SMS or call reaches them.
  const phones = await rows(t, sql`SELECT phone FROM customers WHERE phone IS NOT NULL`);
  expect(phones.length).toBeGreaterThan(0);
  expect(phones.filter((r) => normalisePhone(r.phone) !== r.phone)).toEqual([]);
}

/** The history replays to each case's status, owner, collaborators and message count. */
async function expectHistoryMatches(t: TestApp): Promise<void> {
  const events = await rows(t, sql`SELECT e.case_id, e.type, e.actor_id, e.data, e.created_at FROM case_events e ORDER BY e.id`);
  const cases = new Map(
    (
      await rows(
        t,
        sql`SELECT c.id, c.status, c.owner_id, c.created_at,
    (SELECT count(*)::int FROM messages m WHERE m.case_id = c.id) AS messages,
    array(SELECT cc.user_id::text FROM case_collaborators cc WHERE cc.case_id = c.id ORDER BY cc.user_id) AS collaborators
    FROM cases c`,
      )
    ).map((c) => [c.id, c]),
  );
  const replay = new Map<string, { status: string; owner: string | null; collaborators: string[]; messages: number; last: Date }>();
  for (const e of events) {
    let s = replay.get(e.case_id);
    if (!s) {
      expect(e.type).toBe('case.created');
      expect(e.created_at.getTime()).toBe(cases.get(e.case_id)!.created_at.getTime());
      s = { status: e.data.status, owner: e.data.ownerId, collaborators: [], messages: 0, last: e.created_at };
      replay.set(e.case_id, s);
      continue;
    }
    expect(e.created_at.getTime()).toBeGreaterThanOrEqual(s.last.getTime());
    s.last = e.created_at;
    if (e.type === 'case.status_changed') {
      expect(e.data.from).toBe(s.status);
      s.status = e.data.to;
    } else if (e.type === 'case.claimed') {
      expect(e.actor_id).toBe(e.data.ownerId);
      s.owner = e.data.ownerId;
    } else if (e.type === 'case.assigned') s.owner = e.data.to;
    else if (e.type === 'case.collaborator_added') s.collaborators.push(e.data.userId);
    else if (e.type === 'case.message_created') s.messages++;
    else expect(['case.rated', 'case.created']).toContain(e.type);
  }
  expect(replay.size).toBe(cases.size);
  for (const [id, s] of replay) {
    const c = cases.get(id)!;
    expect({ status: s.status, owner: s.owner, collaborators: s.collaborators.sort(), messages: s.messages }).toEqual({
      status: c.status,
      owner: c.owner_id,
      collaborators: c.collaborators,
      messages: c.messages,
    });
  }
}

/**
 * Every demo case has the clocks of the policy its facts match (SPEC §12), as the domain computes
 * them from the case's stored history with the stored policies and calendar, and the columns the
 * lists, reports and breach timer read agree with the record.
 */
async function expectClocksMatchHistory(t: TestApp, now: Date): Promise<void> {
  const policies = (
    await rows(
      t,
      sql`SELECT p.id::text AS id, p.position, p.conditions, p.targets, p.calendar_id::text AS "calendarId",
      k.time_zone, k.hours, k.holidays FROM sla_policies p LEFT JOIN business_calendars k ON k.id = p.calendar_id`,
    )
  ).map((p) => ({
    id: p.id as string,
    position: Number(p.position),
    conditions: p.conditions,
    targets: p.targets,
    calendarId: p.calendarId as string | null,
    calendar: p.time_zone ? { timeZone: p.time_zone, hours: p.hours, holidays: p.holidays } : null,
  }));
  expect(policies.length).toBeGreaterThanOrEqual(2);
  const cases = await rows(
    t,
    sql`SELECT id, reference, status, resolution, resolution_reason, type, priority, team_id::text AS team_id, tags, sla, first_response_at, sla_due_at, sla_soon_at,
      sla_first_due_at, sla_first_outcome, sla_resolution_outcome, sla_resolution_due_at, sla_breach_at, sla_paused_breached, sla_paused_soon
      FROM cases`,
  );
  const events = await rows(t, sql`SELECT case_id, type, data, created_at FROM case_events ORDER BY id`);
  const history = new Map<string, { type: string; data: Record<string, unknown>; at: Date }[]>();
  for (const e of events) {
    const list = history.get(e.case_id) ?? [];
    list.push({ type: e.type, data: e.data, at: e.created_at });
    history.set(e.case_id, list);
  }
  const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString());
  for (const c of cases) {
    const policy = matchPolicy(policies, {
      priority: priorityOfRank(c.priority) ?? DEFAULT_PRIORITY,
      type: c.type as CaseType,
      teamId: c.team_id,
      tags: c.tags ?? [],
    });
    const stored = c.sla as SlaRecord | null;
    expect(stored?.policyId ?? null, c.reference).toBe(policy?.id ?? null);
    const expected = replaySla(history.get(c.id)!, policy, policy?.calendar ?? null, now);
    expect(slaView(stored, now), c.reference).toEqual(slaView(expected, now));
    if (!stored) continue;
    // the first response is met at the first public answer, the resolution only once the case is solved
    const first = stored.clocks.find((k) => k.kind === 'firstResponse');
    expect(first?.metAt ?? null, c.reference).toBe(iso(c.first_response_at));
    const solved = countsAsResolved({ status: c.status as Status, resolution: c.resolution, resolutionReason: c.resolution_reason });
    expect(!!stored.clocks.find((k) => k.kind === 'resolution')?.metAt, c.reference).toBe(solved);
    const cols = slaColumns(stored, c.status as Status);
    expect(
      {
        due: iso(c.sla_due_at),
        soon: iso(c.sla_soon_at),
        firstDue: iso(c.sla_first_due_at),
        first: c.sla_first_outcome,
        resolution: c.sla_resolution_outcome,
        resolutionDue: iso(c.sla_resolution_due_at),
        breach: iso(c.sla_breach_at),
        pausedBreached: c.sla_paused_breached,
        pausedSoon: c.sla_paused_soon,
      },
      c.reference,
    ).toEqual({
      due: iso(cols.dueAt),
      soon: iso(cols.soonAt),
      firstDue: iso(cols.firstResponseDueAt),
      first: cols.firstResponseOutcome,
      resolution: cols.resolutionOutcome,
      resolutionDue: iso(cols.resolutionDueAt),
      breach: iso(cols.breachAt),
      pausedBreached: cols.pausedBreached,
      pausedSoon: cols.pausedSoon,
    });
  }
  // the demo shows every state: open cases on time, due soon and breached
  const states = new Set(cases.map((c) => slaAttention(c.sla, c.status as Status, now)));
  expect([...states].filter(Boolean).sort()).toEqual(['breached', 'due_soon', 'ok']);
}

describe.each(DB_KINDS)('demo organisation (%s)', (kind) => {
  // 15:30 in Berlin on a Tuesday.
  const clock = fixedClock(new Date('2026-03-10T14:30:00Z'));
  let t: TestApp;
  let logins: DemoLogin[];

  beforeAll(async () => {
    t = await startTestApp(kind, { clock });
    logins = await loadDemo({ db: t.db, clock, log: t.deps.log });
  });
  afterAll(() => t?.close());

  it('has the organisation, four teams and users of every role with zones and passwords', async () => {
    const [org] = await rows(t, sql`SELECT name, time_zone, auto_close_days FROM organisation`);
    expect(org).toEqual({ name: 'Northwind Support', time_zone: 'Europe/Berlin', auto_close_days: 14 });
    const roles = await rows(t, sql`SELECT role_id, count(*)::int AS n FROM users GROUP BY role_id ORDER BY role_id`);
    expect(roles).toEqual([
      { role_id: 'admin', n: 1 },
      { role_id: 'agent', n: 8 },
      { role_id: 'supervisor', n: 2 },
      { role_id: 'viewer', n: 1 },
    ]);
    const teams = await rows(
      t,
      sql`SELECT t.name, count(*) FILTER (WHERE u.role_id = 'agent')::int AS agents
      FROM teams t JOIN team_members tm ON tm.team_id = t.id JOIN users u ON u.id = tm.user_id GROUP BY t.name ORDER BY t.name`,
    );
    expect(teams.map((r) => r.name)).toEqual(['Billing', 'Customer Care', 'Enterprise', 'Technical Support']);
    expect(teams.every((r) => r.agents >= 3)).toBe(true);
    const agentTeams = await rows(
      t,
      sql`SELECT u.id, count(tm.team_id)::int AS n FROM users u LEFT JOIN team_members tm ON tm.user_id = u.id
      WHERE u.role_id = 'agent' GROUP BY u.id`,
    );
    expect(agentTeams.every((r) => r.n >= 1 && r.n <= 2)).toBe(true);
    const [users] = await rows(
      t,
      sql`SELECT count(*) FILTER (WHERE password_hash LIKE '$argon2id$%')::int AS hashed,
      count(DISTINCT time_zone)::int AS zones, count(*)::int AS n FROM users`,
    );
    expect(users!.hashed).toBe(users!.n);
    expect(users!.zones).toBeGreaterThanOrEqual(5);
    expect(logins.map((l) => l.role)).toEqual(['admin', 'supervisor', 'agent', 'viewer']);
  });

  it('has a few hundred cases of every status and type, over three weeks and today', async () => {
    const cases = await rows(t, sql`SELECT type, status, team_id, created_at, resolved_at, wake_at, rating_stars, owner_id FROM cases`);
    expect(cases.length).toBeGreaterThanOrEqual(250);
    expect(new Set(cases.map((c) => c.status))).toEqual(new Set(STATUSES));
    expect(new Set(cases.map((c) => c.type))).toEqual(new Set(CASE_TYPES));
    const now = clock.now();
    const today = dayBounds(now, 'Europe/Berlin');
    const isToday = (d: Date | null) => d !== null && d >= today.start && d < today.end;
    expect(cases.filter((c) => isToday(c.created_at)).length).toBeGreaterThanOrEqual(30);
    expect(cases.some((c) => now.getTime() - c.created_at.getTime() > 18 * 86_400_000)).toBe(true);
    const newToday = await rows(
      t,
      sql`SELECT t.name, count(c.id)::int AS n FROM teams t LEFT JOIN cases c ON c.team_id = t.id
      AND c.status = 'new' AND c.created_at >= ${today.start} GROUP BY t.name`,
    );
    expect(newToday.every((r) => r.n >= 3)).toBe(true);
    expect(cases.some((c) => c.status === 'new' && !isToday(c.created_at))).toBe(true);
    expect(cases.some((c) => c.status === 'waiting' && c.wake_at > now)).toBe(true);
    expect(cases.some((c) => c.status === 'waiting' && c.wake_at !== null && c.wake_at <= now)).toBe(true);
    expect(cases.some((c) => c.status === 'resolved' && isToday(c.resolved_at))).toBe(true);
    expect(cases.some((c) => c.status === 'resolved' && !isToday(c.resolved_at))).toBe(true);
    expect(cases.some((c) => c.status === 'closed' && c.rating_stars !== null)).toBe(true);
    const [more] = await rows(
      t,
      sql`SELECT
      (SELECT count(*)::int FROM case_collaborators) AS collaborators,
      (SELECT count(DISTINCT customer_id)::int FROM cases) AS customers,
      (SELECT count(*)::int FROM messages WHERE direction = 'note') AS notes,
      (SELECT count(*)::int FROM messages WHERE direction = 'outbound') AS replies`,
    );
    expect(more).toMatchObject({ collaborators: expect.any(Number), customers: expect.any(Number) });
    expect(more!.collaborators).toBeGreaterThan(20);
    expect(more!.customers).toBeGreaterThan(80);
    expect(more!.notes).toBeGreaterThan(20);
    expect(more!.replies).toBeGreaterThan(200);
  });

  it('keeps every rule a real case keeps', () => expectCaseRules(t, clock.now()));

  it("has a history that replays to each case's status, owner and collaborators", () => expectHistoryMatches(t));

  it("has SLA clocks on every case that a policy matches, as the domain computes them from the case's history", () =>
    expectClocksMatchHistory(t, clock.now()));

  it('shows service levels through the API: policies, case badges, the sla filter and achievement in reports', async () => {
    const admin = logins.find((l) => l.role === 'admin')!;
    const a = await login(t, admin.email, admin.password);
    const policies = await call(t, a, 'GET', '/api/v1/sla-policies');
    expect(policies.statusCode).toBe(200);
    const calendars = await call(t, a, 'GET', '/api/v1/calendars');
    expect(calendars.statusCode).toBe(200);
    expect(calendars.data.calendars[0]).toMatchObject({ timeZone: 'Europe/Berlin' });
    for (const state of ['breached', 'due_soon']) {
      const list = await call(t, a, 'GET', `/api/v1/cases?sla=${state}&limit=100`);
      expect(list.statusCode, state).toBe(200);
      expect(list.data.cases.length, state).toBeGreaterThan(0);
      const one = await call(t, a, 'GET', `/api/v1/cases/${list.data.cases[0].id}`);
      expect(
        one.data.sla.targets.some((x: Row) => x.state === state && !x.metAt),
        state,
      ).toBe(true);
    }
    const today = dayBounds(clock.now(), 'Europe/Berlin');
    const from = new Date(today.start.getTime() - 20 * 86_400_000).toISOString().slice(0, 10);
    const report = await call(t, a, 'GET', `/api/v1/reports/summary?from=${from}&to=${clock.now().toISOString().slice(0, 10)}`);
    expect(report.statusCode, report.body).toBe(200);
    const kinds = Object.fromEntries(report.data.sla.map((x: Row) => [x.kind, x]));
    for (const k of ['firstResponse', 'resolution']) {
      expect(kinds[k].met, k).toBeGreaterThan(0);
      expect(kinds[k].achievement, k).not.toBeNull();
    }
  });

  it('gives the main agent a full My Work page, with a next case from today in her teams', async () => {
    const agent = logins.find((l) => l.role === 'agent')!;
    const me = await login(t, agent.email, agent.password);
    expect(me.status).toBe(200);
    const work = await call(t, me, 'GET', '/api/v1/me/work');
    expect(work.statusCode).toBe(200);
    expect(work.data.next).not.toBeNull();
    expect(me.me.teamIds).toContain(work.data.next.case.teamId);
    expect(work.data.next.case.status).toBe('new');
    expect(new Date(work.data.next.case.createdAt).getTime()).toBeGreaterThanOrEqual(
      dayBounds(clock.now(), 'Europe/Berlin').start.getTime(),
    );
    expect(work.data.next.case.actions).toContain('claim');
    expect(work.data.unassignedCount).toBeGreaterThanOrEqual(8);
    const sections = sectionsOf(work.data);
    for (const key of ['active_chats', 'ready', 'waiting', 'solved_today', 'following']) {
      expect(sections[key]!.count, key).toBeGreaterThan(0);
      expect(sections[key]!.cases.length, key).toBeGreaterThan(0);
    }
    expect(sections.waiting!.cases.some((c: Row) => c.wakeAt !== null)).toBe(true);
  });

  it('shows tags, priorities, field values, canned replies and saved views through the API', async () => {
    const agent = logins.find((l) => l.role === 'agent')!;
    const a = await login(t, agent.email, agent.password);
    const tags = await call(t, a, 'GET', '/api/v1/tags');
    expect(tags.statusCode).toBe(200);
    expect(tags.data.tags.map((x: Row) => x.name)).toEqual(expect.arrayContaining(['shipping', 'billing']));
    const urgent = await call(t, a, 'GET', '/api/v1/cases?priority=urgent&limit=5');
    expect(urgent.data.cases.length).toBeGreaterThan(0);
    expect(urgent.data.cases.every((c: Row) => c.priority === 'urgent')).toBe(true);
    const withOrder = await call(t, a, 'GET', '/api/v1/cases?tag=shipping&limit=50');
    expect(withOrder.data.cases.some((c: Row) => typeof c.fields.order_number === 'string')).toBe(true);
    const canned = await call(t, a, 'GET', '/api/v1/canned-replies');
    const scopes = new Set(canned.data.cannedReplies.map((r: Row) => r.scope));
    expect([...scopes].sort()).toEqual(['organisation', 'personal', 'team']);
    const someCase = urgent.data.cases[0];
    const rendered = await call(t, a, 'POST', `/api/v1/canned-replies/${canned.data.cannedReplies[0].id}/render`, { caseId: someCase.id });
    expect(rendered.statusCode).toBe(200);
    expect(rendered.data.body).not.toContain('{{');
    const views = await call(t, a, 'GET', '/api/v1/views?counts=true');
    expect(views.data.views.map((v: Row) => v.name)).toEqual(expect.arrayContaining(['My urgent work', 'Open returns']));
    expect(views.data.views.every((v: Row) => v.count !== null)).toBe(true);
  });

  it('signs every demo login in, and refuses a wrong password', async () => {
    for (const l of logins) {
      const s = await login(t, l.email, l.password);
      expect(s.status, l.email).toBe(200);
      expect(s.me.role).toBe(l.role);
      expect((await call(t, s, 'GET', '/api/v1/me')).data.email).toBe(l.email);
    }
    expect((await login(t, logins[0]!.email, 'not-the-password')).status).toBe(401);
  });

  it('loads only into an empty database', async () => {
    await expect(loadDemo({ db: t.db, clock, log: t.deps.log })).rejects.toThrow(/empty database/);
    const [n] = await rows(t, sql`SELECT count(*)::int AS n FROM users`);
    expect(n!.n).toBe(12);
  });
});

describe('demo loaded just after midnight (pglite)', () => {
  // 00:05 in Berlin: "today" is five minutes old, and still has work in every section.
  const clock = fixedClock(new Date('2026-03-10T23:05:00Z'));
  let t: TestApp;
  let logins: DemoLogin[];

  beforeAll(async () => {
    t = await startTestApp('pglite', { clock });
    logins = await loadDemo({ db: t.db, clock, log: t.deps.log });
  });
  afterAll(() => t?.close());

  it('the main agent still has a next case from today and every section filled', async () => {
    const agent = logins.find((l) => l.role === 'agent')!;
    const me = await login(t, agent.email, agent.password);
    const work = await call(t, me, 'GET', '/api/v1/me/work');
    expect(new Date(work.data.next.case.createdAt).getTime()).toBeGreaterThanOrEqual(
      dayBounds(clock.now(), 'Europe/Berlin').start.getTime(),
    );
    const sections = sectionsOf(work.data);
    for (const key of ['active_chats', 'ready', 'waiting', 'solved_today', 'following'])
      expect(sections[key]!.count, key).toBeGreaterThan(0);
  });

  it('keeps every rule and a matching history even when today is minutes old', async () => {
    await expectCaseRules(t, clock.now());
    await expectHistoryMatches(t);
    await expectClocksMatchHistory(t, clock.now());
  });
});
