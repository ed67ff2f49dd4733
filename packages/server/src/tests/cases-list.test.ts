import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_ROLES, CASE_TYPES, canView, localDate, type CaseType, type Status } from '@casework/domain';
import { DB_KINDS, call, fixedClock, makeTeam, makeUser, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { expectProblem, fingerprint, prng, seedCase, seededUuid } from '../test-support/case-fixtures.ts';

const ZONE = 'America/New_York';
const STATUSES: Status[] = ['new', 'ready', 'waiting', 'resolved', 'closed', 'canceled'];
const WORDS = ['printer', 'invoice', 'login', 'refund', 'delivery', 'password'];
const NAMES = ['Nora Quist', 'Omar Fields', 'Petra Lund', null];

type Model = {
  id: string;
  reference: string;
  subject: string;
  teamId: string;
  ownerId: string | null;
  status: Status;
  type: CaseType;
  createdAt: Date;
  updatedAt: Date;
  collaboratorIds: string[];
  customer: { name: string | null; email: string | null } | null;
};

async function fetchAll(t: TestApp, user: TestUser, query: string, limit = 7) {
  const ids: string[] = [];
  let cursor: string | null = null;
  let total = -1;
  for (let page = 0; page < 100; page++) {
    const r = await call(t, user, 'GET', `/api/v1/cases?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(r.statusCode, `${query}: ${r.body}`).toBe(200);
    expect(r.data.cases.length).toBeLessThanOrEqual(limit);
    if (total === -1) total = r.data.total;
    expect(r.data.total).toBe(total);
    ids.push(...r.data.cases.map((c: { id: string }) => c.id));
    cursor = r.data.nextCursor;
    if (!cursor) break;
  }
  return { ids, total };
}

describe.each(DB_KINDS)('GET /api/v1/cases (%s)', (kind) => {
  let t: TestApp;
  let teamA: string, teamB: string, teamC: string;
  let me: TestUser, mate: TestUser, stranger: TestUser, admin: TestUser;
  const cases: Model[] = [];

  beforeAll(async () => {
    t = await startTestApp(kind, { clock: fixedClock(new Date('2026-03-12T15:00:00Z')) });
    [teamA, teamB, teamC] = [await makeTeam(t.db, 'A'), await makeTeam(t.db, 'B'), await makeTeam(t.db, 'C')];
    me = await makeUser(t.db, { role: 'agent', teamIds: [teamA, teamC], timeZone: ZONE });
    mate = await makeUser(t.db, { role: 'agent', teamIds: [teamA, teamB] });
    stranger = await makeUser(t.db, { role: 'agent', teamIds: [teamB] });
    admin = await makeUser(t.db, { role: 'admin', teamIds: [] });
    const rand = prng(20260310);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    // Times cluster on local midnights of New York around the March 2026 clock change, with exact ties.
    const base = Date.parse('2026-03-07T05:00:00Z');
    const times = Array.from({ length: 24 }, (_, i) => new Date(base + Math.floor(i / 3) * 21_600_000 + (i % 3 === 2 ? -1 : 0)));
    for (let i = 0; i < 90; i++) {
      const teamId = pick([teamA, teamA, teamB, teamC]);
      const status = pick(STATUSES);
      const owners = teamId === teamB ? [stranger.id, mate.id, me.id] : [me.id, mate.id];
      const ownerId = status === 'new' ? null : rand() < 0.25 ? null : pick(owners);
      const name = pick(NAMES);
      const m: Model = {
        id: seededUuid(rand),
        reference: `R${String(i).padStart(2, '0')}${'XYZW'[i % 4]}QK`,
        subject: `${pick(WORDS)} issue ${i}`,
        teamId,
        ownerId,
        status,
        type: pick(CASE_TYPES),
        createdAt: pick(times),
        updatedAt: new Date(0),
        collaboratorIds: rand() < 0.2 ? [me.id] : rand() < 0.2 ? [mate.id] : [],
        customer: name ? { name, email: `${name.split(' ')[0]!.toLowerCase()}${i % 3}@shop.example` } : null,
      };
      m.updatedAt = new Date(m.createdAt.getTime() + Math.floor(rand() * 4) * 3_600_000);
      cases.push(m);
      await seedCase(t.db, { ...m, customer: m.customer ?? undefined });
    }
  });
  afterAll(() => t.close());

  // The domain's rule, for the agent `me` (teams A and C).
  const visible = (c: Model) =>
    canView({ id: me.id, permissions: new Set(BUILT_IN_ROLES.agent.permissions), teamIds: [teamA, teamC], timeZone: ZONE }, c);
  const expected = (keep: (c: Model) => boolean, sort: 'created' | 'updated' = 'created') => {
    const key = (c: Model) => (sort === 'created' ? c.createdAt : c.updatedAt).getTime();
    return cases
      .filter((c) => visible(c) && keep(c))
      .sort((a, b) => key(b) - key(a) || (a.id < b.id ? 1 : -1))
      .map((c) => c.id);
  };
  const check = async (query: string, keep: (c: Model) => boolean, sort: 'created' | 'updated' = 'created') => {
    const want = expected(keep, sort);
    const got = await fetchAll(t, me, query);
    expect(got.ids, query).toEqual(want);
    expect(got.total, query).toBe(want.length);
    return want.length;
  };

  it('401 without credentials', async () => {
    expectProblem(await call(t, null, 'GET', '/api/v1/cases'), 401, 'unauthenticated');
  });

  it('pages through everything visible, newest first, without duplicates or gaps; total counts only visible cases', async () => {
    const n = await check('sort=created', () => true);
    expect(n).toBeGreaterThan(30);
    expect(n).toBeLessThan(cases.length);
    await check('sort=updated', () => true, 'updated');
    const all = await fetchAll(t, admin, 'sort=created', 13);
    expect(all.total).toBe(cases.length);
    expect(new Set(all.ids).size).toBe(cases.length);
  });

  it('filters by status, team, owner (me, none, an id), type and following', async () => {
    expect(await check('status=new', (c) => c.status === 'new')).toBeGreaterThan(0);
    await check('status=ready,waiting', (c) => c.status === 'ready' || c.status === 'waiting');
    await check(`teamId=${teamA}`, (c) => c.teamId === teamA);
    expect(await check(`teamId=${teamB}`, (c) => c.teamId === teamB)).toBeGreaterThan(0);
    await check(`teamId=${teamA},${teamC}`, (c) => c.teamId !== teamB);
    expect(await check('ownerId=me', (c) => c.ownerId === me.id)).toBeGreaterThan(0);
    await check('ownerId=none', (c) => c.ownerId === null);
    await check(`ownerId=${mate.id}`, (c) => c.ownerId === mate.id);
    await check(`ownerId=${stranger.id.toUpperCase()}`, (c) => c.ownerId === stranger.id);
    await check('type=email', (c) => c.type === 'email');
    await check('type=web_connect,sms', (c) => c.type === 'web_connect' || c.type === 'sms');
    expect(await check('following=true', (c) => c.collaboratorIds.includes(me.id))).toBeGreaterThan(0);
    await check('following=false', () => true);
    await check(
      `status=new&ownerId=none&teamId=${teamA}&type=email,phone&sort=updated`,
      (c) => c.status === 'new' && c.ownerId === null && c.teamId === teamA && ['email', 'phone'].includes(c.type),
      'updated',
    );
  });

  it('searches subject, reference, customer name and email (case-insensitive), never beyond visibility', async () => {
    expect(await check('q=PRINTER&sort=created', (c) => c.subject.includes('printer'))).toBeGreaterThan(0);
    const ref = cases.find((c) => visible(c))!;
    expect(await check(`q=${ref.reference.toLowerCase()}`, (c) => c.id === ref.id)).toBe(1);
    await check('q=petra&sort=created', (c) => c.customer?.name === 'Petra Lund');
    await check('q=omar1%40shop&sort=created', (c) => c.customer?.email === 'omar1@shop.example');
    await check('q=100%25', () => false);
    await check('q=printer%20issue&sort=updated', (c) => c.subject.startsWith('printer issue'), 'updated');
    const hidden = cases.find((c) => !visible(c))!;
    expect((await call(t, me, 'GET', `/api/v1/cases?q=${hidden.reference}`)).data).toMatchObject({ cases: [], total: 0 });
    expect((await call(t, admin, 'GET', `/api/v1/cases?q=${hidden.reference}`)).data.total).toBe(1);
    const strangers = await fetchAll(t, stranger, 'q=issue');
    expect(
      strangers.ids.every(
        (id) => cases.find((c) => c.id === id)!.teamId === teamB || cases.find((c) => c.id === id)!.ownerId === stranger.id,
      ),
    ).toBe(true);
  });

  it("created range: plain dates are whole days in the user's zone; timestamps are exact bounds", async () => {
    const day = (c: Model) => localDate(c.createdAt, ZONE);
    expect(await check('createdFrom=2026-03-08&createdTo=2026-03-08', (c) => day(c) === '2026-03-08')).toBeGreaterThan(0);
    await check('createdFrom=2026-03-09', (c) => day(c) >= '2026-03-09');
    await check('createdTo=2026-03-07', (c) => day(c) <= '2026-03-07');
    const from = '2026-03-08T05:00:00.000Z';
    const to = '2026-03-09T04:00:00.000Z';
    await check(`createdFrom=${from}&createdTo=${to}`, (c) => c.createdAt >= new Date(from) && c.createdAt < new Date(to));
  });

  it('a new case arriving between pages does not shift the next page (keyset cursor)', async () => {
    const first = await call(t, me, 'GET', `/api/v1/cases?teamId=${teamA}&limit=5`);
    const newest = await call(t, me, 'POST', '/api/v1/cases', { subject: 'Arrived meanwhile', teamId: teamA });
    const second = await call(t, me, 'GET', `/api/v1/cases?teamId=${teamA}&limit=5&cursor=${first.data.nextCursor}`);
    const want = expected((c) => c.teamId === teamA);
    expect([...first.data.cases, ...second.data.cases].map((c: { id: string }) => c.id)).toEqual(want.slice(0, 10));
    expect(second.data.total).toBe(want.length + 1);
    await call(t, admin, 'POST', `/api/v1/cases/${newest.data.id}/cancel`, {});
  });

  it('400 validation_failed naming each bad parameter; nothing changes', async () => {
    const before = await fingerprint(t.db);
    const bad: [string, string][] = [
      ['status=open', 'status'],
      ['type=fax', 'type'],
      ['ownerId=someone', 'ownerId'],
      [`teamId=${teamA},x`, 'teamId'],
      ['createdFrom=yesterday', 'createdFrom'],
      ['createdTo=2026-02-30', 'createdTo'],
      ['cursor=bm9wZQ', 'cursor'],
      ['limit=0', 'querystring.limit'],
      ['limit=201', 'querystring.limit'],
      ['limit=ten', 'querystring.limit'],
      ['sort=urgency', 'querystring.sort'],
      ['following=yes', 'querystring.following'],
      ['colour=red', 'querystring.colour'],
    ];
    for (const [query, field] of bad) {
      const p = expectProblem(await call(t, me, 'GET', `/api/v1/cases?${query}`), 400, 'validation_failed');
      expect(
        p.fields.map((f: { field: string }) => f.field),
        query,
      ).toEqual([field]);
    }
    expect(await fingerprint(t.db)).toBe(before);
  });
});
