import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUILT_IN_ROLES,
  bucketFloor,
  countsAsResolved,
  DURATION_EDGES,
  durationBucket,
  histogramPercentile,
  inReportScope,
  reportDays,
  reportScope,
  TYPE_RANK,
  type Actor,
  type ReportScope,
  type Resolution,
  type ResolutionReason,
  type Status,
} from '@casework/domain';
import { sql } from 'kysely';
import { bucketOf, medianBucketOf, reportFigures, type ReportFilter } from '../db/repos/reports.ts';
import { compactOpenCounts } from '../db/repos/report-counts.ts';
import { DB_KINDS, call, fixedClock, makeTeam, makeUser, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { UNKNOWN_ID, expectProblem, prng, seedCase } from '../test-support/case-fixtures.ts';
import { uuidv7 } from '../ids.ts';

const at = (iso: string) => new Date(iso);
const BERLIN = 'Europe/Berlin';
// 2026-03-29 is Berlin's spring-forward day: 23 hours, from 2026-03-28T23:00Z to 2026-03-29T22:00Z.
const RANGE = 'from=2026-03-28&to=2026-03-30';
const NO_SLA = { slaMet: 0, slaBreached: 0, slaAchievement: null };

async function event(t: TestApp, caseId: string, type: string, actorId: string | null, data: object, when: string) {
  await t.db.kysely
    .insertInto('case_events')
    .values({ case_id: caseId, type, actor_id: actorId, data: JSON.stringify(data), created_at: at(when) })
    .execute();
}

async function message(t: TestApp, caseId: string, direction: 'inbound' | 'outbound' | 'note', when: string) {
  await t.db.kysely
    .insertInto('messages')
    .values({
      id: uuidv7(),
      case_id: caseId,
      body: 'x',
      internal: direction === 'note',
      direction,
      channel: direction === 'note' ? 'note' : 'email',
      author_id: null,
      created_at: at(when),
    })
    .execute();
}

type Report = {
  scope: string;
  totals: { created: number; resolved: number; reopened: number; abandoned: number };
  firstResponse: { median: number | null; p90: number | null };
  resolution: { median: number | null; p90: number | null };
  sla: unknown[];
  csat: { count: number; average: number | null; distribution: Record<string, number> };
  daily: { date: string; created: number; resolved: number; backlog: number }[];
  agents: { agentId: string; agentName: string; claimed: number; resolved: number; medianHandle: number | null; slaMet: number }[];
};

describe.each(DB_KINDS)('GET /api/v1/reports/summary (%s)', (kind) => {
  let t: TestApp;
  let x: string, y: string;
  let admin: TestUser, adminUtc: TestUser, lead: TestUser, agentA: TestUser, agentB: TestUser, viewer: TestUser;

  beforeAll(async () => {
    t = await startTestApp(kind, { clock: fixedClock(at('2026-03-31T10:00:00Z')) });
    [x, y] = [await makeTeam(t.db, 'Billing'), await makeTeam(t.db, 'Shipping')];
    await t.db.kysely
      .insertInto('roles')
      .values({ id: 'team-lead', name: 'Team lead', permissions: ['case.view_team', 'case.follow', 'report.view_team'], built_in: false })
      .execute();
    admin = await makeUser(t.db, { role: 'admin', timeZone: BERLIN });
    adminUtc = await makeUser(t.db, { role: 'admin', timeZone: 'UTC' });
    lead = await makeUser(t.db, { role: 'team-lead', teamIds: [x], timeZone: BERLIN });
    agentA = await makeUser(t.db, { role: 'agent', teamIds: [x], timeZone: BERLIN, name: 'Ada Agent' });
    agentB = await makeUser(t.db, { role: 'agent', teamIds: [x], timeZone: BERLIN, name: 'Bo Agent' });
    viewer = await makeUser(t.db, { role: 'viewer', teamIds: [y], timeZone: BERLIN });

    // Team X. c1: Berlin 28th 23:30, resolved Berlin 30th 00:30 (the 29th in UTC) after 24 hours.
    const c1 = await seedCase(t.db, {
      teamId: x,
      ownerId: agentA.id,
      status: 'resolved',
      createdAt: at('2026-03-28T22:30:00Z'),
      resolvedAt: at('2026-03-29T22:30:00Z'),
    });
    const c2 = await seedCase(t.db, { teamId: x, createdAt: at('2026-03-29T21:59:00Z') }); // the 29th's last minute
    const c3 = await seedCase(t.db, { teamId: x, ownerId: agentB.id, createdAt: at('2026-03-29T22:00:00Z') }); // the 30th's first
    await seedCase(t.db, { teamId: x, status: 'canceled', createdAt: at('2026-03-29T10:00:00Z'), resolvedAt: at('2026-03-29T11:00:00Z') });
    await seedCase(t.db, {
      teamId: x,
      type: 'web_connect',
      status: 'resolved',
      resolution: 'unresolved',
      resolutionReason: 'abandoned',
      createdAt: at('2026-03-30T08:00:00Z'),
      resolvedAt: at('2026-03-30T08:05:00Z'),
    });
    const c6 = await seedCase(t.db, {
      teamId: x,
      type: 'web_connect',
      ownerId: agentA.id,
      status: 'closed',
      createdAt: at('2026-03-30T09:00:00Z'),
      resolvedAt: at('2026-03-30T10:00:00Z'),
    });
    await t.db.kysely
      .updateTable('cases')
      .set({ rating_stars: 4, satisfaction_stars: 4, satisfaction_at: new Date() })
      .where('id', '=', c6)
      .execute();
    // Team Y: one owned by agent A (visible to them as owner), one nobody's.
    const y1 = await seedCase(t.db, { teamId: y, ownerId: agentA.id, createdAt: at('2026-03-29T12:00:00Z') });
    await seedCase(t.db, { teamId: y, createdAt: at('2026-03-29T12:00:00Z') });

    await event(t, c1, 'case.claimed', agentA.id, { ownerId: agentA.id }, '2026-03-28T22:35:00Z');
    await event(t, c3, 'case.claimed', agentB.id, { ownerId: agentB.id }, '2026-03-29T22:10:00Z');
    await event(t, y1, 'case.claimed', agentA.id, { ownerId: agentA.id }, '2026-03-29T12:05:00Z');
    await event(t, c2, 'case.status_changed', admin.id, { from: 'resolved', to: 'new', reason: 'reopened' }, '2026-03-29T15:00:00Z');
    await event(t, c6, 'case.status_changed', null, { from: 'resolved', to: 'closed', reason: 'auto_closed' }, '2026-03-30T11:00:00Z');
    await message(t, c1, 'inbound', '2026-03-28T22:31:00Z');
    await message(t, c1, 'note', '2026-03-28T22:32:00Z');
    await message(t, c1, 'outbound', '2026-03-28T22:40:00Z'); // first response after 600 s
    await message(t, c1, 'outbound', '2026-03-28T23:40:00Z');
    await message(t, c3, 'outbound', '2026-03-29T22:20:00Z'); // after 1,200 s
    await message(t, c2, 'note', '2026-03-29T21:59:30Z'); // a note is no response
  });
  afterAll(() => t.close());

  const report = async (user: TestUser, query = RANGE): Promise<Report> => {
    const r = await call(t, user, 'GET', `/api/v1/reports/summary?${query}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.data;
  };
  const series = (r: Report, key: 'created' | 'resolved' | 'backlog') => r.daily.map((d) => d[key]);

  it("counts every team's cases for an admin, by the days of their zone (a 23-hour day included)", async () => {
    const r = await report(admin);
    expect(r.scope).toBe('all');
    expect(r.daily.map((d) => d.date)).toEqual(['2026-03-28', '2026-03-29', '2026-03-30']);
    expect(series(r, 'created')).toEqual([1, 4, 3]);
    expect(series(r, 'resolved')).toEqual([0, 0, 2]);
    expect(series(r, 'backlog')).toEqual([1, 4, 4]);
    expect(r.totals).toEqual({ created: 8, resolved: 2, reopened: 1, abandoned: 1 });
    // Nearest rank in the log-scale histogram (lower bucket edges): first responses 600 and 1,200 s,
    // resolutions 3,600 and 86,400 s.
    expect(r.firstResponse).toEqual({ median: 588, p90: 1183 });
    expect(r.resolution).toEqual({ median: 3550, p90: 85_387 });
    expect(r.csat).toEqual({ count: 1, average: 4, distribution: { '1': 0, '2': 0, '3': 0, '4': 1, '5': 0 } });
    expect(r.sla).toEqual([]);
    expect(r.agents).toEqual([
      { agentId: agentA.id, agentName: 'Ada Agent', claimed: 2, resolved: 2, medianHandle: 3550, ...NO_SLA },
      { agentId: agentB.id, agentName: 'Bo Agent', claimed: 1, resolved: 0, medianHandle: null, ...NO_SLA },
    ]);
  });

  it('the same cases read in UTC fall on other days', async () => {
    const r = await report(adminUtc);
    // c3 was created at 22:00 UTC on the 29th: the 29th here, the 30th in Berlin; c1 was
    // resolved at 22:30 UTC on the 29th, which is also the 30th in Berlin.
    expect(series(r, 'created')).toEqual([1, 5, 2]);
    expect(series(r, 'resolved')).toEqual([0, 1, 1]);
    expect(series(r, 'backlog')).toEqual([1, 4, 4]);
  });

  it('a supervisor limited to a team sees only that team, not the cases of other teams', async () => {
    const r = await report(lead);
    expect(r.scope).toBe('teams');
    expect(series(r, 'created')).toEqual([1, 2, 3]);
    expect(series(r, 'backlog')).toEqual([1, 2, 2]);
    expect(r.agents.map((a) => [a.agentName, a.claimed, a.resolved])).toEqual([
      ['Ada Agent', 1, 2],
      ['Bo Agent', 1, 0],
    ]);
    // Asking for another team intersects with what they may see: nothing.
    const other = await report(lead, `${RANGE}&teamId=${y}`);
    expect(other.totals).toEqual({ created: 0, resolved: 0, reopened: 0, abandoned: 0 });
    expect(other.agents).toEqual([]);
  });

  it('an agent sees their own work only, whatever they ask for', async () => {
    const a = await report(agentA);
    expect(a.scope).toBe('own');
    expect(series(a, 'created')).toEqual([1, 1, 1]);
    expect(series(a, 'backlog')).toEqual([1, 2, 1]);
    expect(a.totals.resolved).toBe(2);
    expect(a.agents).toEqual([{ agentId: agentA.id, agentName: 'Ada Agent', claimed: 2, resolved: 2, medianHandle: 3550, ...NO_SLA }]);
    const b = await report(agentB, `${RANGE}&agentId=${agentA.id}`);
    expect(b.totals.created).toBe(0);
    expect(b.agents).toEqual([]);
    const own = await report(agentB);
    expect(series(own, 'backlog')).toEqual([0, 0, 1]);
    expect(own.firstResponse).toEqual({ median: 1183, p90: 1183 });
  });

  it("a viewer sees their team's figures", async () => {
    const r = await report(viewer);
    expect(r.scope).toBe('teams');
    expect(series(r, 'created')).toEqual([0, 2, 0]);
    expect(r.agents.map((a) => a.agentName)).toEqual(['Ada Agent']);
  });

  it('filters by team, type and agent', async () => {
    expect((await report(admin, `${RANGE}&teamId=${y}`)).totals.created).toBe(2);
    expect((await report(admin, `${RANGE}&type=web_connect`)).totals).toEqual({ created: 2, resolved: 1, reopened: 0, abandoned: 1 });
    const byAgent = await report(admin, `${RANGE}&agentId=${agentA.id}`);
    expect(byAgent.totals.created).toBe(3);
    expect(byAgent.agents.map((a) => a.agentName)).toEqual(['Ada Agent']);
    expect((await report(admin, `${RANGE}&teamId=${x},${y}&type=email`)).totals.created).toBe(6);
  });

  it('refuses bad input naming the field', async () => {
    const bad = async (query: string, field: string) => {
      const r = await call(t, admin, 'GET', `/api/v1/reports/summary?${query}`);
      const body = expectProblem(r, 400, 'validation_failed');
      expect(body.fields.map((f: { field: string }) => f.field)).toContain(field);
    };
    await bad('from=2026-03-30&to=2026-03-01', 'to');
    await bad('from=2023-01-01&to=2026-01-02', 'to');
    await bad('from=2026-02-30&to=2026-03-01', 'from');
    await bad('from=yesterday&to=2026-03-01', 'from');
    await bad(`${RANGE}&teamId=${UNKNOWN_ID}`, 'teamId');
    await bad(`${RANGE}&teamId=billing`, 'teamId');
    await bad(`${RANGE}&agentId=${UNKNOWN_ID}`, 'agentId');
    await bad(`${RANGE}&type=fax`, 'type');
    expect((await call(t, admin, 'GET', '/api/v1/reports/summary?to=2026-03-01')).statusCode).toBe(400);
    expect((await call(t, null, 'GET', `/api/v1/reports/summary?${RANGE}`)).statusCode).toBe(401);
  });

  it("counts exactly the cases the domain's reportScope allows (the SQL copy agrees on generated cases)", async () => {
    const rand = prng(7);
    const teams = [x, y];
    const owners = [agentA.id, agentB.id, lead.id, null];
    const seeded: { teamId: string; ownerId: string | null }[] = [];
    for (let i = 0; i < 60; i++) {
      const c = { teamId: teams[Math.floor(rand() * 2)]!, ownerId: owners[Math.floor(rand() * 4)]! };
      seeded.push(c);
      const day = 1 + Math.floor(rand() * 9);
      await seedCase(t.db, { ...c, createdAt: at(`2025-06-0${day}T12:00:00Z`) });
    }
    const actorOf = (user: TestUser, permissions: readonly string[], teamIds: string[]) =>
      ({ id: user.id, permissions: new Set(permissions), teamIds }) as unknown as Actor;
    const users: [TestUser, Actor][] = [
      [admin, actorOf(admin, BUILT_IN_ROLES.admin.permissions, [])],
      [lead, actorOf(lead, ['case.view_team', 'case.follow', 'report.view_team'], [x])],
      [agentA, actorOf(agentA, BUILT_IN_ROLES.agent.permissions, [x])],
      [agentB, actorOf(agentB, BUILT_IN_ROLES.agent.permissions, [x])],
      [viewer, actorOf(viewer, BUILT_IN_ROLES.viewer.permissions, [y])],
    ];
    for (const [user, actor] of users) {
      const want = seeded.filter((c) => inReportScope(reportScope(actor), c)).length;
      expect((await report(user, 'from=2025-06-01&to=2025-06-10')).totals.created).toBe(want);
    }
  });

  it("counts a finished case as resolved exactly when the domain's countsAsResolved does (spam, canceled and abandoned never)", async () => {
    const finishes: [Status, Resolution | null, ResolutionReason | null][] = [
      ['resolved', 'completed', null],
      ['resolved', 'unresolved', null],
      ['resolved', 'unresolved', 'abandoned'],
      ['closed', 'completed', null],
      ['canceled', 'canceled', null],
      ['spam', null, null],
    ];
    for (const [status, resolution, resolutionReason] of finishes)
      await seedCase(t.db, {
        teamId: y,
        status,
        resolution,
        resolutionReason,
        createdAt: at('2025-09-10T08:00:00Z'),
        resolvedAt: status === 'spam' ? null : at('2025-09-10T09:00:00Z'),
      });
    const want = finishes.filter(([status, resolution, resolutionReason]) => countsAsResolved({ status, resolution, resolutionReason }));
    expect(want).toHaveLength(3);
    const r = await report(admin, 'from=2025-09-10&to=2025-09-10');
    expect(r.totals).toEqual({ created: finishes.length, resolved: want.length, reopened: 0, abandoned: 1 });
  });

  it("the SQL's duration bucket is the domain's, at every edge, just before it and between", async () => {
    const base = at('2026-03-01T00:00:00Z');
    const ms = [-1500, -1, 0, 999, ...DURATION_EDGES.flatMap((e) => [e * 1000 - 1, e * 1000, e * 1000 + 500, e * 1000 + 1234])];
    const r = await sql<{ ms: number; b: number }>`SELECT x.ms::float8 AS ms,
        ${bucketOf(sql`${base}::timestamptz + x.ms * interval '1 millisecond'`, sql`${base}::timestamptz`)} AS b
      FROM unnest(${ms}::bigint[]) x(ms)`.execute(t.db.kysely);
    expect(r.rows.map((x) => x.b)).toEqual(ms.map((m) => durationBucket(m / 1000)));
  });

  it("the SQL's median bucket is the domain's histogramPercentile (nearest rank) on generated histograms", async () => {
    const rand = prng(5);
    for (let i = 0; i < 40; i++) {
      // 1–9 durations in a few neighbouring buckets, repeats included (even counts test the rank's rounding)
      const buckets = Array.from({ length: 1 + Math.floor(rand() * 9) }, () => 1 + Math.floor(rand() * 6) * 37);
      const counts = [...new Set(buckets)].map((b) => ({ b, n: buckets.filter((x) => x === b).length }));
      const r = await sql<{ b: number }>`SELECT ${medianBucketOf(sql`x.b`)} AS b FROM unnest(${buckets}::int[]) x(b)`.execute(t.db.kysely);
      expect(bucketFloor(r.rows[0]!.b), buckets.join(',')).toBe(histogramPercentile(counts, 0.5));
    }
  });

  it('the open cases the write path keeps per team and type equal the scan, after every kind of change and compaction', async () => {
    const rand = prng(11);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    const types = ['email', 'sms', 'web_connect'] as const;
    const statuses = ['new', 'ready', 'waiting', 'resolved', 'canceled', 'closed'] as const;
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const status = pick(statuses);
      const finished = status === 'resolved' || status === 'canceled' || status === 'closed';
      ids.push(
        await seedCase(t.db, {
          teamId: pick([x, y]),
          type: pick(types),
          status,
          ownerId: status === 'new' ? null : pick([agentA.id, agentB.id]),
          createdAt: at(`2026-03-2${5 + Math.floor(rand() * 5)}T0${Math.floor(rand() * 10)}:00:00Z`),
          ...(finished ? { resolvedAt: at('2026-03-30T12:00:00Z') } : {}),
        }),
      );
    }
    // Many cases in one statement (an import's shape), some open.
    await sql`INSERT INTO cases (id, reference, subject, type, type_rank, status, team_id, created_at, updated_at, last_activity_at)
      SELECT gen_random_uuid(), 'OPEN' || lpad(g::text, 5, '0'), 'Bulk ' || g, 'sms', ${TYPE_RANK.sms},
        CASE WHEN g % 3 = 0 THEN 'resolved' ELSE 'new' END, CASE WHEN g % 2 = 0 THEN ${x}::uuid ELSE ${y}::uuid END,
        ${at('2026-03-27T08:00:00Z')}, ${at('2026-03-27T08:00:00Z')}, ${at('2026-03-27T08:00:00Z')}
      FROM generate_series(1, 25) g`.execute(t.db.kysely);

    const filters: ReportFilter[] = [
      { scope: { kind: 'all' }, teamIds: [], types: [], agentIds: [] },
      { scope: { kind: 'teams', teamIds: [x] }, teamIds: [], types: [], agentIds: [] },
      { scope: { kind: 'teams', teamIds: [y] }, teamIds: [], types: ['sms'], agentIds: [] },
      { scope: { kind: 'all' }, teamIds: [y], types: ['email', 'web_connect'], agentIds: [] },
      { scope: { kind: 'teams', teamIds: [x, y] }, teamIds: [x], types: [], agentIds: [] },
      { scope: { kind: 'own', userId: agentA.id } as ReportScope, teamIds: [], types: [], agentIds: [] },
    ];
    const days = (zone: string) => {
      const r = reportDays('2026-03-24', '2026-03-31', zone);
      if (!r.ok) throw new Error(r.message);
      return r.days;
    };
    const agree = async (when: string) => {
      for (const zone of ['UTC', BERLIN, 'Asia/Kathmandu']) {
        for (const f of filters) {
          const kept = await reportFigures(t.db.kysely, f, days(zone), at('2026-03-31T10:00:00Z'), { openNow: 'counts' });
          const scanned = await reportFigures(t.db.kysely, f, days(zone), at('2026-03-31T10:00:00Z'), { openNow: 'scan' });
          expect(kept, `${when}, ${zone}, ${JSON.stringify(f)}`).toEqual(scanned);
        }
      }
      const kept = await sql<{ k: string; n: number }>`SELECT team_id || '/' || type AS k, sum(n)::int AS n FROM report_open_counts
        GROUP BY 1 HAVING sum(n) <> 0 ORDER BY 1`.execute(t.db.kysely);
      const counted = await sql<{ k: string; n: number }>`SELECT team_id || '/' || type AS k, count(*)::int AS n FROM cases
        WHERE status IN ('new', 'ready', 'waiting') GROUP BY 1 ORDER BY 1`.execute(t.db.kysely);
      expect(kept.rows, when).toEqual(counted.rows);
    };
    await agree('after inserts');

    for (let round = 0; round < 30; round++) {
      const id = pick(ids);
      const change = pick(['status', 'team', 'type', 'several', 'claim'] as const);
      if (change === 'status') {
        const to = pick(statuses);
        await sql`UPDATE cases SET status = ${to}, owner_id = CASE WHEN ${to} = 'new' THEN NULL ELSE owner_id END
          WHERE id = ${id}::uuid`.execute(t.db.kysely);
      }
      if (change === 'team') await sql`UPDATE cases SET team_id = ${pick([x, y])}::uuid WHERE id = ${id}::uuid`.execute(t.db.kysely);
      if (change === 'type') await sql`UPDATE cases SET type = ${pick(types)} WHERE id = ${id}::uuid`.execute(t.db.kysely);
      if (change === 'claim')
        await sql`UPDATE cases SET owner_id = ${agentB.id}::uuid, status = CASE WHEN status = 'new' THEN 'ready' ELSE status END
          WHERE id = ${id}::uuid`.execute(t.db.kysely);
      if (change === 'several')
        await sql`UPDATE cases SET status = CASE WHEN status = 'new' THEN 'resolved' ELSE 'new' END,
            owner_id = CASE WHEN status = 'new' THEN owner_id END, team_id = ${pick([x, y])}::uuid
          WHERE id = ANY(${[pick(ids), pick(ids), pick(ids)]}::uuid[])`.execute(t.db.kysely);
    }
    await agree('after updates');
    await sql`DELETE FROM cases WHERE id = ANY(${ids.slice(0, 5)}::uuid[])`.execute(t.db.kysely);
    await agree('after deletes');
    await Promise.all([compactOpenCounts(t.db.kysely), compactOpenCounts(t.db.kysely)]);
    const rows = await sql<{ n: number }>`SELECT count(*)::int AS n FROM report_open_counts`.execute(t.db.kysely);
    const keys = await sql<{ n: number }>`SELECT count(DISTINCT (team_id, type))::int AS n FROM report_open_counts`.execute(t.db.kysely);
    expect(rows.rows[0]!.n).toBe(keys.rows[0]!.n);
    await agree('after compaction');
    // Compacting again folds nothing and leaves every row where it was (no rewrite of folded keys).
    const places = async () =>
      (await sql<{ p: string }>`SELECT ctid::text AS p FROM report_open_counts ORDER BY 1`.execute(t.db.kysely)).rows.map((r) => r.p);
    const before = await places();
    expect(await compactOpenCounts(t.db.kysely)).toBe(0);
    expect(await places()).toEqual(before);
    // Through the product's own write path: resolve and reopen.
    const open = await sql<{
      id: string;
    }>`SELECT id::text AS id FROM cases WHERE status = 'ready' AND team_id = ${x}::uuid LIMIT 1`.execute(t.db.kysely);
    if (open.rows[0]) {
      expect((await call(t, admin, 'POST', `/api/v1/cases/${open.rows[0].id}/resolve`, { resolution: 'completed' })).statusCode).toBe(200);
      await agree('after a resolution');
      expect((await call(t, admin, 'POST', `/api/v1/cases/${open.rows[0].id}/reopen`)).statusCode).toBe(200);
      await agree('after a reopening');
    }
  });
});
