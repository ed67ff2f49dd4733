import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, sql, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { makeOrg, seedCase, type Org } from '../test-support/case-fixtures.ts';
import { UNKNOWN_ID, expectForbidden, expectInvalid, expectProblem } from './admin-support.ts';

const views = async (t: TestApp, user: TestUser, counts = false) => {
  const r = await call(t, user, 'GET', `/api/v1/views${counts ? '?counts=true' : ''}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.data.views as { id: string; name: string; filters: Record<string, string>; count?: number | null; editable: boolean }[];
};
const names = async (t: TestApp, user: TestUser) => (await views(t, user)).map((v) => v.name);
const viewRows = async (t: TestApp) =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM saved_views`.execute(t.db.kysely)).rows[0]!.n;

describe.each(DB_KINDS)('saved views (%s)', (kind) => {
  let t: TestApp;
  let o: Org;

  beforeAll(async () => {
    t = await startTestApp(kind);
    o = await makeOrg(t);
    const at = new Date('2026-03-01T10:00:00Z');
    // Team A: 3 new, 2 of them unowned; 1 the agent's. Team B: 4 new, unowned (invisible to team A's agents).
    await seedCase(t.db, { teamId: o.teamA, createdAt: at, subject: 'Printer jams' });
    await seedCase(t.db, { teamId: o.teamA, createdAt: at, subject: 'Invoice wrong' });
    await seedCase(t.db, { teamId: o.teamA, ownerId: o.agent.id, createdAt: at, subject: 'Login fails' });
    for (let i = 0; i < 4; i++) await seedCase(t.db, { teamId: o.teamB, createdAt: at, subject: `Refund ${i}` });
    await seedCase(t.db, { teamId: o.teamB, ownerId: o.agentB.id, createdAt: at, subject: 'Delivery late' });
  });
  afterAll(() => t.close());

  it('answers 401 without credentials on every endpoint', async () => {
    for (const [method, url, body] of [
      ['GET', '/api/v1/views'],
      ['POST', '/api/v1/views', { name: 'X', filters: {} }],
      ['PATCH', `/api/v1/views/${UNKNOWN_ID}`, { name: 'X' }],
      ['DELETE', `/api/v1/views/${UNKNOWN_ID}`],
    ] as const) {
      expectProblem(await call(t, null, method, url, body), 401, 'unauthenticated');
    }
  });

  it('keeps a personal view for its maker only, and lets them rename and remove it', async () => {
    const r = await call(t, o.agent, 'POST', '/api/v1/views', { name: '  Unassigned new  ', filters: { status: 'new', ownerId: 'none' } });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.data).toMatchObject({ name: 'Unassigned new', filters: { status: 'new', ownerId: 'none' }, shared: null, editable: true });
    expect(r.data.ownerId).toBe(o.agent.id);
    const id = r.data.id;
    expect(await names(t, o.agent)).toContain('Unassigned new');
    for (const other of [o.agent2, o.admin, o.supervisor]) {
      expect(await names(t, other)).not.toContain('Unassigned new');
      expectProblem(await call(t, other, 'PATCH', `/api/v1/views/${id}`, { name: 'Mine now' }), 404, 'not_found');
      expectProblem(await call(t, other, 'DELETE', `/api/v1/views/${id}`), 404, 'not_found');
    }
    const renamed = await call(t, o.agent, 'PATCH', `/api/v1/views/${id}`, { name: 'Queue', filters: { status: 'new,ready' } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.data).toMatchObject({ name: 'Queue', filters: { status: 'new,ready' }, shared: null });
    expect((await call(t, o.agent, 'DELETE', `/api/v1/views/${id}`)).statusCode).toBe(204);
    expect(await names(t, o.agent)).not.toContain('Queue');
    expectProblem(await call(t, o.agent, 'DELETE', `/api/v1/views/${id}`), 404, 'not_found');
  });

  it('shares views with teams only with admin.views (403 naming it, nothing saved)', async () => {
    const before = await viewRows(t);
    for (const user of [o.agent, o.viewer]) {
      expectForbidden(
        await call(t, user, 'POST', '/api/v1/views', { name: 'Team', filters: {}, shared: { teamIds: [o.teamA] } }),
        'admin.views',
      );
    }
    const own = await call(t, o.agent, 'POST', '/api/v1/views', { name: 'Mine', filters: {} });
    expectForbidden(await call(t, o.agent, 'PATCH', `/api/v1/views/${own.data.id}`, { shared: { teamIds: [o.teamA] } }), 'admin.views');
    expect(await viewRows(t)).toBe(before + 1);
    await call(t, o.agent, 'DELETE', `/api/v1/views/${own.data.id}`);
  });

  it('shows a shared view to its teams and managers; only managers change it', async () => {
    const r = await call(t, o.supervisor, 'POST', '/api/v1/views', {
      name: 'Team A queue',
      filters: { ownerId: 'none' },
      shared: { teamIds: [o.teamA, o.teamA.toUpperCase()] },
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.data.shared).toEqual({ teamIds: [o.teamA] });
    const id = r.data.id;
    for (const member of [o.agent, o.agent2, o.viewer]) {
      const seen = (await views(t, member)).find((v) => v.id === id);
      expect(seen).toMatchObject({ name: 'Team A queue', editable: false });
      expectForbidden(await call(t, member, 'PATCH', `/api/v1/views/${id}`, { name: 'Ours' }), 'admin.views');
      expectForbidden(await call(t, member, 'DELETE', `/api/v1/views/${id}`), 'admin.views');
    }
    expect(await names(t, o.agentB)).not.toContain('Team A queue');
    expectProblem(await call(t, o.agentB, 'PATCH', `/api/v1/views/${id}`, { name: 'Ours' }), 404, 'not_found');
    // An administrator on no team of the view manages it; moving it to team B changes who sees it.
    const moved = await call(t, o.admin, 'PATCH', `/api/v1/views/${id}`, { shared: { teamIds: [o.teamB] } });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(await names(t, o.agentB)).toContain('Team A queue');
    expect(await names(t, o.agent)).not.toContain('Team A queue');
    // Made personal again, it is its maker's alone.
    await call(t, o.admin, 'PATCH', `/api/v1/views/${id}`, { shared: null });
    expect(await names(t, o.agentB)).not.toContain('Team A queue');
    expect(await names(t, o.admin)).not.toContain('Team A queue');
    expect(await names(t, o.supervisor)).toContain('Team A queue');
    expect((await call(t, o.supervisor, 'DELETE', `/api/v1/views/${id}`)).statusCode).toBe(204);
  });

  it('validates filters like GET /cases, naming the field; nothing saved', async () => {
    const before = await viewRows(t);
    const post = (body: unknown) => call(t, o.supervisor, 'POST', '/api/v1/views', body);
    expectInvalid(await post({ name: 'X', filters: { status: 'sleeping' } }), 'filters.status');
    expectInvalid(await post({ name: 'X', filters: { ownerId: 'someone' } }), 'filters.ownerId');
    expectInvalid(await post({ name: 'X', filters: { teamId: 'x' } }), 'filters.teamId');
    expectInvalid(await post({ name: 'X', filters: { createdFrom: '2026-02-30' } }), 'filters.createdFrom');
    expectInvalid(await post({ name: 'X', filters: { sort: 'oldest' } }), 'filters.sort');
    expectInvalid(await post({ name: 'X', filters: { colour: 'red' } }), 'filters.colour');
    expectInvalid(await post({ name: 'X', filters: { cursor: 'abc' } }), 'filters.cursor');
    expectInvalid(await post({ name: 'X', filters: { status: 3 } }), 'filters.status');
    expectInvalid(await post({ name: 'X' }), 'filters');
    expectInvalid(await post({ name: '   ', filters: {} }), 'name');
    expectInvalid(await post({ name: 'x'.repeat(101), filters: {} }), 'name');
    expectInvalid(await post({ name: 'X', filters: {}, shared: { teamIds: [] } }), 'shared.teamIds');
    expectInvalid(await post({ name: 'X', filters: {}, shared: { teamIds: [UNKNOWN_ID] } }), 'shared.teamIds');
    expectInvalid(await post({ name: 'X', filters: {}, shared: { teamIds: ['nope'] } }), 'shared.teamIds');
    const own = await post({ name: 'Valid', filters: { status: 'new' } });
    expectInvalid(await call(t, o.supervisor, 'PATCH', `/api/v1/views/${own.data.id}`, { filters: { type: 'fax' } }), 'filters.type');
    expect((await views(t, o.supervisor)).find((v) => v.id === own.data.id)?.filters).toEqual({ status: 'new' });
    expect(await viewRows(t)).toBe(before + 1);
    await call(t, o.supervisor, 'DELETE', `/api/v1/views/${own.data.id}`);
  });

  it('answers 404 for unknown or malformed ids', async () => {
    expectProblem(await call(t, o.agent, 'PATCH', `/api/v1/views/${UNKNOWN_ID}`, { name: 'X' }), 404, 'not_found');
    expectProblem(await call(t, o.agent, 'PATCH', '/api/v1/views/nope', { name: 'X' }), 404, 'not_found');
    expectProblem(await call(t, o.agent, 'DELETE', `/api/v1/views/${UNKNOWN_ID}`), 404, 'not_found');
  });

  it('counts, in one request, only the cases each viewer may see, like the list total', async () => {
    const everything = await call(t, o.supervisor, 'POST', '/api/v1/views', {
      name: 'Everything',
      filters: {},
      shared: { teamIds: [o.teamA, o.teamB] },
    });
    const teamB = await call(t, o.supervisor, 'POST', '/api/v1/views', {
      name: 'Team B only',
      filters: { teamId: o.teamB },
      shared: { teamIds: [o.teamA, o.teamB] },
    });
    const mine = await call(t, o.supervisor, 'POST', '/api/v1/views', {
      name: 'Mine, new',
      filters: { ownerId: 'me', status: 'ready' },
      shared: { teamIds: [o.teamA, o.teamB] },
    });
    const search = await call(t, o.supervisor, 'POST', '/api/v1/views', {
      name: 'Refunds',
      filters: { q: 'refund' },
      shared: { teamIds: [o.teamA, o.teamB] },
    });
    const expected: [TestUser, Record<string, number>][] = [
      [o.agent, { Everything: 3, 'Team B only': 0, 'Mine, new': 1, Refunds: 0 }],
      [o.viewer, { Everything: 3, 'Team B only': 0, 'Mine, new': 0, Refunds: 0 }],
      [o.agentB, { Everything: 5, 'Team B only': 5, 'Mine, new': 1, Refunds: 4 }],
      [o.admin, { Everything: 8, 'Team B only': 5, 'Mine, new': 0, Refunds: 4 }],
    ];
    for (const [user, counts] of expected) {
      const got = Object.fromEntries((await views(t, user, true)).filter((v) => v.name in counts).map((v) => [v.name, v.count]));
      expect(got).toEqual(counts);
      // The same filters through the list give the same totals.
      for (const v of (await views(t, user, true)).filter((x) => x.name in counts)) {
        const list = await call(t, user, 'GET', `/api/v1/cases?${new URLSearchParams(v.filters)}`);
        expect(list.data.total, v.name).toBe(v.count);
      }
    }
    for (const r of [everything, teamB, mine, search]) await call(t, o.supervisor, 'DELETE', `/api/v1/views/${r.data.id}`);
  });

  it('stops a count at 99 (countCapped), for every kind of viewer', async () => {
    await sql`INSERT INTO cases (id, reference, subject, type, type_rank, status, team_id, created_at, updated_at, last_activity_at)
      SELECT gen_random_uuid(), 'BULK' || g, 'Many ' || g, 'email', 2, 'waiting', ${o.teamB}::uuid, now(), now(), now()
      FROM generate_series(1, 120) g`.execute(t.db.kysely);
    const r = await call(t, o.supervisor, 'POST', '/api/v1/views', {
      name: 'Waiting',
      filters: { status: 'waiting' },
      shared: { teamIds: [o.teamA, o.teamB] },
    });
    const countOf = async (user: TestUser) => {
      const v = (await call(t, user, 'GET', '/api/v1/views?counts=true')).data.views.find((x: { id: string }) => x.id === r.data.id);
      return [v.count, v.countCapped];
    };
    expect(await countOf(o.agentB)).toEqual([99, true]);
    expect(await countOf(o.admin)).toEqual([99, true]);
    expect(await countOf(o.agent)).toEqual([0, false]);
    await call(t, o.supervisor, 'DELETE', `/api/v1/views/${r.data.id}`);
  });

  it('keeps custom field filters (field.<key>) checked like the list, and counts by them', async () => {
    expect((await call(t, o.admin, 'POST', '/api/v1/case-fields', { key: 'seats', label: 'Seats', type: 'number' })).statusCode).toBe(201);
    const big = await seedCase(t.db, { teamId: o.teamA, createdAt: new Date('2026-03-02T10:00:00Z'), subject: 'Big account' });
    await sql`UPDATE cases SET fields = ${JSON.stringify({ seats: 250 })}::jsonb WHERE id = ${big}::uuid`.execute(t.db.kysely);
    const post = (filters: Record<string, string>) => call(t, o.agent, 'POST', '/api/v1/views', { name: 'Seats', filters });
    expectInvalid(await post({ 'field.seats': 'many' }), 'filters.field.seats');
    expectInvalid(await post({ 'field.colour': 'red' }), 'filters.field.colour');
    const r = await post({ 'field.seats': '250' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.data.filters).toEqual({ 'field.seats': '250' });
    expect((await views(t, o.agent, true)).find((v) => v.id === r.data.id)?.count).toBe(1);
    expect((await views(t, o.agent, true)).find((v) => v.id === r.data.id)?.count).toBe(
      (await call(t, o.agent, 'GET', '/api/v1/cases?field.seats=250')).data.total,
    );
    await call(t, o.agent, 'DELETE', `/api/v1/views/${r.data.id}`);
  });

  it('counts a view whose filters no longer read as null instead of failing the navigation', async () => {
    const r = await call(t, o.agent, 'POST', '/api/v1/views', { name: 'Old', filters: { status: 'new' } });
    await sql`UPDATE saved_views SET filters = ${JSON.stringify({ status: 'retired' })}::jsonb WHERE id = ${r.data.id}::uuid`.execute(
      t.db.kysely,
    );
    const got = (await views(t, o.agent, true)).find((v) => v.id === r.data.id);
    expect(got?.count).toBeNull();
    await call(t, o.agent, 'DELETE', `/api/v1/views/${r.data.id}`);
  });
});
