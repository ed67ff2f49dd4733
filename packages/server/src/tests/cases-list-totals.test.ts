import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { TYPE_RANK } from '@casework/domain';
import { DB_KINDS, call, fixedClock, makeTeam, makeUser, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { COUNT_CAP } from '../db/repos/case-list.ts';

// Totals past COUNT_CAP: an organisation-wide count stops at the cap and says so; counts within
// a user's own teams stay exact; pages are never affected by the cap.
const BIG = COUNT_CAP + 100; // cases in the big team: every 10th about a printer, the others a refund
const SMALL = 300; // cases in the small team, all refunds
const refundsIn = { big: BIG - Math.floor(BIG / 10), small: SMALL };

async function bulkCases(t: TestApp, teamId: string, n: number, prefix: string, subject: (g: string) => unknown, base: Date) {
  await sql`INSERT INTO cases (id, reference, subject, type, type_rank, status, team_id, created_at, updated_at, last_activity_at)
    SELECT gen_random_uuid(), ${prefix} || lpad(g::text, 5, '0'), ${subject('g')}, 'email', ${TYPE_RANK.email}, 'new', ${teamId}::uuid,
      ${base}::timestamptz + g * interval '1 minute', ${base}::timestamptz + g * interval '1 minute', ${base}::timestamptz + g * interval '1 minute'
    FROM generate_series(1, ${n}) g`.execute(t.db.kysely);
}

async function allPages(t: TestApp, user: TestUser, query: string) {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const r = await call(t, user, 'GET', `/api/v1/cases?${query}&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
    expect(r.statusCode, r.body).toBe(200);
    ids.push(...r.data.cases.map((c: { id: string }) => c.id));
    cursor = r.data.nextCursor;
    if (!cursor) break;
  }
  return ids;
}

describe.each(DB_KINDS)('GET /api/v1/cases totals past the cap (%s)', (kind) => {
  let t: TestApp;
  let big: string, small: string, other: string;
  let admin: TestUser, supervisor: TestUser, agentBig: TestUser, agentBoth: TestUser, agentSmall: TestUser;

  beforeAll(async () => {
    t = await startTestApp(kind, { clock: fixedClock(new Date('2026-03-12T15:00:00Z')) });
    [big, small, other] = [await makeTeam(t.db, 'Big'), await makeTeam(t.db, 'Small'), await makeTeam(t.db, 'Other')];
    admin = await makeUser(t.db, { role: 'admin', teamIds: [] });
    supervisor = await makeUser(t.db, { role: 'supervisor', teamIds: [big] });
    agentBig = await makeUser(t.db, { role: 'agent', teamIds: [big] });
    agentBoth = await makeUser(t.db, { role: 'agent', teamIds: [big, small] });
    agentSmall = await makeUser(t.db, { role: 'agent', teamIds: [small] });
    const base = new Date('2026-03-01T00:00:00Z');
    await bulkCases(
      t,
      big,
      BIG,
      'B',
      (g) => sql`CASE WHEN ${sql.raw(g)} % 10 = 0 THEN 'Printer jam ' ELSE 'Refund request ' END || ${sql.raw(g)}`,
      base,
    );
    await bulkCases(t, small, SMALL, 'S', (g) => sql`'Refund overdue ' || ${sql.raw(g)}`, base);
    await bulkCases(t, other, 5, 'O', (g) => sql`'Nothing to see ' || ${sql.raw(g)}`, base);
  });
  afterAll(() => t.close());

  const get = async (user: TestUser, query: string) => {
    const r = await call(t, user, 'GET', `/api/v1/cases?${query}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.data as {
      cases: { id: string; teamId: string; subject: string }[];
      total: number;
      totalCapped: boolean;
      nextCursor: string | null;
    };
  };

  it('an organisation-wide list or search past the cap answers total = cap, totalCapped = true', async () => {
    expect(await get(admin, 'limit=5')).toMatchObject({ total: COUNT_CAP, totalCapped: true });
    expect(await get(admin, 'q=refund&limit=5')).toMatchObject({ total: COUNT_CAP, totalCapped: true });
    expect(await get(admin, `teamId=${big}&limit=5`)).toMatchObject({ total: COUNT_CAP, totalCapped: true });
    expect(await get(supervisor, 'status=new&limit=5')).toMatchObject({ total: COUNT_CAP, totalCapped: true });
  });

  it('below the cap the organisation-wide total is exact', async () => {
    expect(await get(admin, 'q=printer&limit=5')).toMatchObject({ total: Math.floor(BIG / 10), totalCapped: false });
    expect(await get(admin, `teamId=${small}`)).toMatchObject({ total: SMALL, totalCapped: false });
    expect(await get(admin, `teamId=${small},${other}&q=refund`)).toMatchObject({ total: SMALL, totalCapped: false });
    expect(await get(admin, 'q=B00042')).toMatchObject({ total: 1, totalCapped: false });
  });

  it("counts within the user's own teams stay exact past the cap (agents; a supervisor filtering to own teams)", async () => {
    expect(await get(agentBig, 'limit=5')).toMatchObject({ total: BIG, totalCapped: false });
    expect(await get(agentBoth, 'limit=5')).toMatchObject({ total: BIG + SMALL, totalCapped: false });
    expect(await get(agentBoth, 'q=refund&limit=5')).toMatchObject({ total: refundsIn.big + refundsIn.small, totalCapped: false });
    expect(await get(agentBoth, 'q=REFUND&sort=updated&limit=5')).toMatchObject({
      total: refundsIn.big + refundsIn.small,
      totalCapped: false,
    });
    expect(await get(supervisor, `teamId=${big}&limit=5`)).toMatchObject({ total: BIG, totalCapped: false });
    expect(await get(supervisor, `teamId=${big}&q=refund&limit=5`)).toMatchObject({ total: refundsIn.big, totalCapped: false });
  });

  it('visibility holds in capped and exact searches: only visible cases, counted exactly', async () => {
    const small1 = await get(agentSmall, 'q=refund&limit=200');
    expect(small1).toMatchObject({ total: SMALL, totalCapped: false });
    const mine = await allPages(t, agentSmall, 'q=refund');
    expect(mine).toHaveLength(SMALL);
    const subjects = await sql<{
      id: string;
      team_id: string;
    }>`SELECT id::text, team_id::text FROM cases WHERE id = ANY(${mine}::uuid[])`.execute(t.db.kysely);
    expect(new Set(subjects.rows.map((r) => r.team_id))).toEqual(new Set([small]));
    expect(await get(agentSmall, 'q=printer')).toMatchObject({ cases: [], total: 0, totalCapped: false });
    expect(await get(agentBig, 'q=nothing')).toMatchObject({ cases: [], total: 0, totalCapped: false });
  });

  it('the cap never shortens the pages: paging a capped search reaches every match, newest first, once', async () => {
    const ids = await allPages(t, admin, 'q=refund&sort=created');
    expect(ids).toHaveLength(refundsIn.big + refundsIn.small);
    expect(new Set(ids).size).toBe(ids.length);
    const want = await sql<{
      id: string;
    }>`SELECT id::text FROM cases WHERE subject ILIKE '%refund%' ORDER BY created_at DESC, id DESC`.execute(t.db.kysely);
    expect(ids).toEqual(want.rows.map((r) => r.id));
    const everything = await allPages(t, admin, 'sort=updated');
    expect(everything).toHaveLength(BIG + SMALL + 5);
    const ranked = await allPages(t, admin, 'q=refund');
    expect(new Set(ranked)).toEqual(new Set(ids));
    expect(ranked).toHaveLength(ids.length);
  });

  it("an agent's search pages (created and updated order) match the exact total and the model", async () => {
    for (const sort of ['created', 'updated'] as const) {
      const ids = await allPages(t, agentBoth, `q=refund&sort=${sort}`);
      const col = sql.ref(sort === 'created' ? 'created_at' : 'updated_at');
      const want = await sql<{
        id: string;
      }>`SELECT id::text FROM cases WHERE subject ILIKE '%refund%' AND team_id = ANY(${[big, small]}::uuid[])
        ORDER BY ${col} DESC, id DESC`.execute(t.db.kysely);
      expect(ids, sort).toEqual(want.rows.map((r) => r.id));
    }
  });
});
