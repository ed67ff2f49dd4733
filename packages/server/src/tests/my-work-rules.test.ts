import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DB_KINDS,
  call,
  fixedClock,
  makeTeam,
  makeUser,
  setOrganisation,
  startTestApp,
  type TestApp,
  type TestUser,
} from '../test-support/harness.ts';
import { sectionOf } from '@casework/domain';
import { expectProblem, fingerprint, seedCase, type SeedCase } from '../test-support/case-fixtures.ts';

const at = (iso: string) => new Date(iso);

describe.each(DB_KINDS)('My Work rules of SPEC §3 through the API (%s)', (kind) => {
  let t: TestApp;
  const clock = fixedClock(at('2026-03-10T14:00:00Z'));
  let n = 0;
  const team = () => makeTeam(t.db, `Team ${++n}`);
  const seed = (c: SeedCase) => seedCase(t.db, c);
  const work = async (u: TestUser) => {
    const r = await call(t, u, 'GET', '/api/v1/me/work');
    expect(r.statusCode).toBe(200);
    return r.data;
  };
  const next = async (u: TestUser) => {
    const w = await work(u);
    return w.next && { id: w.next.case.id, reason: w.next.reason, count: w.unassignedCount };
  };

  beforeAll(async () => {
    t = await startTestApp(kind, { clock });
  });
  afterAll(() => t.close());

  it("the Berlin example: today's best channel, newest; next morning the oldest of the best channel", async () => {
    const tm = await team();
    const v = await makeUser(t.db, { role: 'agent', teamIds: [tm], timeZone: 'Europe/Berlin' });
    clock.set(at('2026-03-10T14:00:00Z')); // 15:00 in Berlin
    const email = await seed({ teamId: tm, type: 'email', createdAt: at('2026-03-10T08:00:00Z') });
    await seed({ teamId: tm, type: 'sms', createdAt: at('2026-03-10T13:00:00Z') });
    const chat = await seed({ teamId: tm, type: 'web_connect', createdAt: at('2026-03-09T11:00:00Z') });
    expect(await next(v)).toEqual({ id: email, reason: 'Email · newest of 2 created today', count: 3 });
    clock.set(at('2026-03-11T07:00:00Z')); // 08:00 next morning
    expect(await next(v)).toEqual({ id: chat, reason: 'Web chat · oldest of 3 waiting, none created today', count: 3 });
  });

  it("a user without a zone of their own follows the organisation's zone", async () => {
    const tm = await team();
    const v = await makeUser(t.db, { role: 'agent', teamIds: [tm], timeZone: null });
    clock.set(at('2026-03-10T10:30:00Z'));
    const sms = await seed({ teamId: tm, type: 'sms', createdAt: at('2026-03-10T10:10:00Z') });
    const email = await seed({ teamId: tm, type: 'email', createdAt: at('2026-03-10T09:50:00Z') });
    try {
      await setOrganisation(t.db, { time_zone: 'Pacific/Kiritimati' });
      expect(await next(v)).toEqual({ id: sms, reason: 'SMS · newest of 1 created today', count: 2 });
      await setOrganisation(t.db, { time_zone: 'Pacific/Pago_Pago' });
      expect(await next(v)).toEqual({ id: email, reason: 'Email · newest of 2 created today', count: 2 });
    } finally {
      await setOrganisation(t.db, { time_zone: 'UTC' });
    }
    const own = await call(t, v, 'PATCH', '/api/v1/me', { timeZone: 'pacific/kiritimati' });
    expect(own.data).toMatchObject({ timeZone: 'Pacific/Kiritimati', ownTimeZone: 'Pacific/Kiritimati' });
    expect((await next(v))!.id).toBe(sms);
    expectProblem(await call(t, v, 'PATCH', '/api/v1/me', { timeZone: 'Mars/Olympus' }), 400, 'validation_failed');
    expect((await call(t, v, 'PATCH', '/api/v1/me', { timeZone: null })).data).toMatchObject({ timeZone: 'UTC', ownTimeZone: null });
  });

  it('rank order, newest today / oldest otherwise, ties on time broken by id', async () => {
    const tm = await team();
    const v = await makeUser(t.db, { role: 'agent', teamIds: [tm], timeZone: 'UTC' });
    clock.set(at('2026-04-02T18:00:00Z'));
    const same = at('2026-04-02T09:00:00Z');
    await seed({ teamId: tm, type: 'platform', createdAt: at('2026-04-02T17:00:00Z') });
    await seed({ teamId: tm, type: 'phone', createdAt: at('2026-04-02T10:00:00Z') });
    await seed({ id: '00000000-0000-4000-8000-00000000000a', teamId: tm, type: 'support_sdk', createdAt: same });
    const hiId = await seed({ id: '00000000-0000-4000-8000-00000000000b', teamId: tm, type: 'support_sdk', createdAt: same });
    await seed({ teamId: tm, type: 'support_sdk', createdAt: at('2026-04-02T08:59:59Z') });
    await seed({ teamId: tm, type: 'web_connect', createdAt: at('2026-04-01T23:59:59Z') });
    expect(await next(v)).toEqual({ id: hiId, reason: 'In-app chat · newest of 5 created today', count: 6 });
    clock.set(at('2026-04-03T06:00:00Z'));
    const tm2 = await team();
    const w = await makeUser(t.db, { role: 'agent', teamIds: [tm2], timeZone: 'UTC' });
    const old = at('2026-04-01T09:00:00Z');
    await seed({ teamId: tm2, type: 'email', createdAt: at('2026-03-01T09:00:00Z') });
    await seed({ id: '00000000-0000-4000-8000-00000000000d', teamId: tm2, type: 'phone', createdAt: old });
    const loId = await seed({ id: '00000000-0000-4000-8000-00000000000c', teamId: tm2, type: 'phone', createdAt: old });
    await seed({ teamId: tm2, type: 'phone', createdAt: at('2026-04-02T09:00:00Z') });
    expect(await next(w)).toEqual({ id: loId, reason: 'Phone · oldest of 4 waiting, none created today', count: 4 });
  });

  it("only new, unowned cases of the user's own teams are candidates", async () => {
    const [mine, other] = [await team(), await team()];
    const v = await makeUser(t.db, { role: 'agent', teamIds: [mine], timeZone: 'UTC' });
    const mate = await makeUser(t.db, { role: 'agent', teamIds: [mine, other] });
    clock.set(at('2026-04-10T12:00:00Z'));
    const when = at('2026-04-10T11:00:00Z');
    await seed({ teamId: other, type: 'web_connect', createdAt: when });
    await seed({ teamId: mine, type: 'web_connect', status: 'ready', createdAt: when });
    await seed({ teamId: mine, type: 'web_connect', status: 'ready', ownerId: mate.id, createdAt: when });
    await seed({ teamId: mine, type: 'web_connect', status: 'waiting', createdAt: when });
    await seed({ teamId: mine, type: 'web_connect', status: 'resolved', createdAt: when });
    expect(await next(v)).toBeNull();
    expect((await work(v)).unassignedCount).toBe(0);
    expectProblem(await call(t, v, 'POST', '/api/v1/me/work/claim-next'), 404, 'queue_empty');
    const only = await seed({ teamId: mine, type: 'platform', createdAt: at('2026-04-01T11:00:00Z') });
    expect(await next(v)).toEqual({ id: only, reason: 'Platform · oldest of 1 waiting, none created today', count: 1 });
    expect((await next(mate))!.count).toBe(2);
  });

  it('users in Kiritimati and Pago Pago see different "today"s around local midnight', async () => {
    const tm = await team();
    const kiri = await makeUser(t.db, { role: 'agent', teamIds: [tm], timeZone: 'Pacific/Kiritimati' });
    const pago = await makeUser(t.db, { role: 'agent', teamIds: [tm], timeZone: 'Pacific/Pago_Pago' });
    clock.set(at('2026-03-10T10:30:00Z')); // Kiritimati 11 March 00:30, Pago Pago 9 March 23:30
    const sms = await seed({ teamId: tm, type: 'sms', createdAt: at('2026-03-10T10:10:00Z') });
    const email = await seed({ teamId: tm, type: 'email', createdAt: at('2026-03-10T09:50:00Z') });
    const chat = await seed({ teamId: tm, type: 'web_connect', createdAt: at('2026-03-08T12:00:00Z') });
    expect(await next(kiri)).toEqual({ id: sms, reason: 'SMS · newest of 1 created today', count: 3 });
    expect(await next(pago)).toEqual({ id: email, reason: 'Email · newest of 2 created today', count: 3 });
    clock.set(at('2026-03-10T11:05:00Z')); // Pago Pago has just started 10 March
    expect(await next(pago)).toEqual({ id: chat, reason: 'Web chat · oldest of 3 waiting, none created today', count: 3 });
    expect((await next(kiri))!.id).toBe(sms);
    const claimed = await call(t, pago, 'POST', '/api/v1/me/work/claim-next');
    expect(claimed.data).toMatchObject({ id: chat, ownerId: pago.id, status: 'ready' });
    expect(await next(pago)).toEqual({ id: email, reason: 'Email · oldest of 2 waiting, none created today', count: 2 });
  });

  it('Review All lists exactly the candidates: its total equals unassignedCount', async () => {
    const [a, b, c] = [await team(), await team(), await team()];
    const v = await makeUser(t.db, { role: 'agent', teamIds: [a, b], timeZone: 'America/New_York' });
    const boss = await makeUser(t.db, { role: 'supervisor', teamIds: [a, b, c] });
    clock.set(at('2026-05-01T12:00:00Z'));
    for (let i = 0; i < 9; i++) await seed({ teamId: [a, b, c][i % 3]!, type: 'phone', createdAt: at(`2026-04-2${i}T10:00:00Z`) });
    await seed({ teamId: a, status: 'ready', createdAt: at('2026-04-29T10:00:00Z') });
    await seed({ teamId: b, ownerId: boss.id, createdAt: at('2026-04-29T10:00:00Z') });
    const w = await work(v);
    expect(w.unassignedCount).toBe(6);
    const list = await call(t, v, 'GET', `/api/v1/cases?status=new&ownerId=none&teamId=${[a, b].join(',')}`);
    expect(list.data.total).toBe(w.unassignedCount);
    expect(list.data.cases.map((x: { id: string }) => x.id)).toContain(w.next.case.id);
  });

  it("sections: chats, ready, waiting, solved today (user's zone), following; each case once, newest first", async () => {
    const tm = await team();
    const v = await makeUser(t.db, { role: 'agent', teamIds: [tm], timeZone: 'Asia/Tokyo' });
    const mate = await makeUser(t.db, { role: 'agent', teamIds: [tm] });
    clock.set(at('2026-03-10T16:00:00Z')); // Tokyo 11 March 01:00
    const c = (iso: string, extra: Partial<SeedCase>) => seed({ teamId: tm, createdAt: at(iso), ...extra });
    const chat1 = await c('2026-03-01T00:00:00Z', { type: 'web_connect', ownerId: v.id });
    const chat2 = await c('2026-03-02T00:00:00Z', { type: 'support_sdk', ownerId: v.id });
    const ready1 = await c('2026-03-03T00:00:00Z', { type: 'email', ownerId: v.id });
    const tieLo = await c('2026-03-04T00:00:00Z', { id: '00000000-0000-4000-8000-000000000001', type: 'phone', ownerId: v.id });
    const tieHi = await c('2026-03-04T00:00:00Z', { id: '00000000-0000-4000-8000-000000000002', type: 'sms', ownerId: v.id });
    const waitChat = await c('2026-03-05T00:00:00Z', {
      type: 'web_connect',
      ownerId: v.id,
      status: 'waiting',
      wakeAt: at('2026-03-12T00:00:00Z'),
    });
    const solved = await c('2026-03-06T00:00:00Z', { ownerId: v.id, status: 'resolved', resolvedAt: at('2026-03-10T15:30:00Z') });
    await c('2026-03-06T00:00:00Z', { ownerId: v.id, status: 'resolved', resolvedAt: at('2026-03-10T14:59:59Z') }); // Tokyo yesterday
    await c('2026-03-06T00:00:00Z', { ownerId: v.id, status: 'closed', resolvedAt: at('2026-03-10T15:30:00Z') });
    await c('2026-03-06T00:00:00Z', { ownerId: v.id, status: 'canceled', resolvedAt: at('2026-03-10T15:30:00Z') });
    const followNew = await c('2026-03-07T00:00:00Z', { collaboratorIds: [v.id] });
    const followWaiting = await c('2026-03-08T00:00:00Z', { ownerId: mate.id, status: 'waiting', collaboratorIds: [v.id] });
    await c('2026-03-08T00:00:00Z', { ownerId: mate.id, status: 'resolved', collaboratorIds: [v.id] });
    const ownedFollowed = await c('2026-03-09T00:00:00Z', { ownerId: v.id, type: 'platform', collaboratorIds: [v.id] });
    await c('2026-03-09T00:00:00Z', { ownerId: mate.id });
    const w = await work(v);
    const got = Object.fromEntries(
      w.sections.map((s: { key: string; count: number; cases: { id: string }[] }) => [s.key, [s.count, s.cases.map((x) => x.id)]]),
    );
    expect(w.sections.map((s: { key: string; title: string }) => [s.key, s.title])).toEqual([
      ['active_chats', 'Active Chat Sessions'],
      ['ready', 'Ready To Solve'],
      ['waiting', 'Waiting For Updates'],
      ['solved_today', 'Solved Today'],
      ['following', "Open Cases I'm Following"],
    ]);
    expect(got).toEqual({
      active_chats: [2, [chat2, chat1]],
      ready: [4, [ownedFollowed, tieHi, tieLo, ready1]],
      waiting: [1, [waitChat]],
      solved_today: [1, [solved]],
      following: [2, [followWaiting, followNew]],
    });
    expect(w.sections[2].cases[0].wakeAt).toBe('2026-03-12T00:00:00.000Z');
    clock.set(at('2026-03-11T15:00:00Z')); // Tokyo 12 March 00:00: yesterday's solves drop out
    expect((await work(v)).sections[3]).toMatchObject({ key: 'solved_today', count: 0, cases: [] });
  });

  it('Solved Today leaves out abandoned chats (SPEC §15): My Work and the section page agree with sectionOf', async () => {
    const tm = await team();
    const v = await makeUser(t.db, { role: 'agent', teamIds: [tm], timeZone: 'UTC' });
    const now = at('2026-07-01T12:00:00Z');
    clock.set(now);
    const resolvedAt = at('2026-07-01T11:00:00Z');
    const variants = [
      { type: 'web_connect', resolution: 'completed', resolutionReason: null },
      { type: 'web_connect', resolution: 'unresolved', resolutionReason: null },
      { type: 'web_connect', resolution: 'unresolved', resolutionReason: 'abandoned' },
      { type: 'support_sdk', resolution: 'unresolved', resolutionReason: 'abandoned' },
      { type: 'email', resolution: 'unresolved', resolutionReason: null },
    ] as const;
    const seeded = [];
    for (const [i, x] of variants.entries()) {
      const id = await seed({ teamId: tm, ownerId: v.id, status: 'resolved', resolvedAt, createdAt: at(`2026-06-2${i}T10:00:00Z`), ...x });
      const facts = { ...x, status: 'resolved' as const, ownerId: v.id, collaboratorIds: [], resolvedAt };
      seeded.push({ id, want: sectionOf(facts, v.id, 'UTC', now) });
    }
    const want = seeded
      .filter((x) => x.want === 'solved_today')
      .map((x) => x.id)
      .reverse();
    expect(want).toHaveLength(3);
    const w = await work(v);
    expect(w.sections[3]).toMatchObject({ key: 'solved_today', count: 3 });
    expect(w.sections[3].cases.map((x: { id: string }) => x.id)).toEqual(want);
    const page = await call(t, v, 'GET', '/api/v1/me/work/sections/solved_today?limit=1');
    expect(page.data.count).toBe(3);
    const rest = await call(
      t,
      v,
      'GET',
      `/api/v1/me/work/sections/solved_today?limit=5&cursor=${encodeURIComponent(page.data.nextCursor)}`,
    );
    expect([...page.data.cases, ...rest.data.cases].map((x: { id: string }) => x.id)).toEqual(want);
  });

  it('maxOpenPerUser: claims and claim-next refuse with capacity_reached; My Work says so', async () => {
    const tm = await team();
    const v = await makeUser(t.db, { role: 'agent', teamIds: [tm], timeZone: 'UTC' });
    const boss = await makeUser(t.db, { role: 'supervisor', teamIds: [tm] });
    clock.set(at('2026-06-01T12:00:00Z'));
    await seed({ teamId: tm, ownerId: v.id, createdAt: at('2026-05-30T10:00:00Z') });
    const mine = await seed({ teamId: tm, ownerId: v.id, status: 'waiting', createdAt: at('2026-05-30T10:00:00Z') });
    await seed({ teamId: tm, ownerId: v.id, status: 'resolved', createdAt: at('2026-05-30T10:00:00Z') });
    const free = await seed({ teamId: tm, type: 'email', createdAt: at('2026-05-31T10:00:00Z') });
    try {
      await setOrganisation(t.db, { max_open_per_user: 2 });
      expect(await work(v)).toMatchObject({ capacityReached: true, maxOpenPerUser: 2, unassignedCount: 1 });
      const before = await fingerprint(t.db);
      expect(expectProblem(await call(t, v, 'POST', `/api/v1/cases/${free}/claim`), 409, 'capacity_reached').maxOpenPerUser).toBe(2);
      expectProblem(await call(t, v, 'POST', '/api/v1/me/work/claim-next'), 409, 'capacity_reached');
      expectProblem(await call(t, boss, 'POST', `/api/v1/cases/${free}/assign`, { ownerId: v.id }), 409, 'capacity_reached');
      expectProblem(await call(t, boss, 'POST', '/api/v1/cases', { subject: 'More', teamId: tm, ownerId: v.id }), 409, 'capacity_reached');
      expect(await fingerprint(t.db)).toBe(before);
      await call(t, v, 'POST', `/api/v1/cases/${mine}/resolve`, { resolution: 'completed' });
      expect(await work(v)).toMatchObject({ capacityReached: false, maxOpenPerUser: 2 });
      expect((await call(t, v, 'POST', '/api/v1/me/work/claim-next')).data).toMatchObject({ id: free, ownerId: v.id });
      expect((await work(v)).capacityReached).toBe(true);
    } finally {
      await setOrganisation(t.db, { max_open_per_user: null });
    }
    expect((await work(v)).capacityReached).toBe(false);
  });
});
