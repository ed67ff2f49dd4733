import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DB_KINDS,
  call,
  startTestApp,
  type DbKind,
  type TestApp,
  type TestUser,
  listenOnLoopback,
  makeUser,
} from '../test-support/harness.ts';
import { makeOrg, type Org } from '../test-support/case-fixtures.ts';
import { startSecondProcess } from '../test-support/second-process.ts';
import { openSse, type SseEvent, type SseStream } from '../test-support/sse-client.ts';
import { notificationNotices } from '../outbox/notify.ts';
import { noticeParts, type LiveNotice } from '../outbox/notices.ts';

/** A listening app with an organisation, and plain-HTTP SSE clients closed after each test. */
function liveRig(kind: DbKind) {
  const rig = { t: undefined as unknown as TestApp, o: undefined as unknown as Org, base: '' };
  const streams: SseStream[] = [];
  const listen = async (user: TestUser | null, lastEventId?: string) => {
    const s = openSse(`${rig.base}/api/v1/events`, { ...(user?.headers ?? {}), ...(lastEventId ? { 'last-event-id': lastEventId } : {}) });
    streams.push(s);
    return s;
  };
  const connected = async (user: TestUser, lastEventId?: string) => {
    const s = await listen(user, lastEventId);
    expect(await s.status).toBe(200);
    await s.next((e) => e.event === 'ready', 'ready');
    return s;
  };
  const create = async (teamId: string, subject: string) =>
    (await call(rig.t, rig.o.admin, 'POST', '/api/v1/cases', { subject, teamId })).data.id as string;
  beforeAll(async () => {
    rig.t = await startTestApp(kind);
    rig.o = await makeOrg(rig.t);
    rig.base = await listenOnLoopback(rig.t);
  });
  afterEach(() => {
    for (const s of streams.splice(0)) s.close();
  });
  afterAll(() => rig.t.close());
  return { rig, listen, connected, create };
}

const about = (caseId: string, type?: string) => (e: SseEvent) => e.data?.caseId === caseId && (!type || e.event === type);

describe.each(DB_KINDS)('live events over SSE (%s)', (kind) => {
  const { rig, listen, connected, create } = liveRig(kind);
  let t: TestApp;
  let o: Org;
  beforeAll(() => {
    ({ t, o } = rig);
  });

  it('401 without credentials', async () => {
    const s = await listen(null);
    expect(await s.status).toBe(401);
  });

  it("a user hears of their team's cases (created, claimed) and never of another team's", async () => {
    const a = await connected(o.agent);
    const b = await connected(o.agentB);
    const mine = await create(o.teamA, 'For team A');
    const created = await a.next(about(mine, 'case.created'), 'case.created for A');
    expect(created.data).toEqual({ type: 'case.created', caseId: mine, at: expect.any(String) });
    expect(created.id).toMatch(/^\d+$/);
    await call(t, o.agent2, 'POST', `/api/v1/cases/${mine}/claim`);
    await a.next(about(mine, 'case.claimed'), 'case.claimed for A');
    await a.next(about(mine, 'case.status_changed'), 'case.status_changed for A');
    const theirs = await create(o.teamB, 'For team B');
    await b.next(about(theirs, 'case.created'), 'case.created for B');
    await call(t, o.agentB, 'POST', `/api/v1/cases/${theirs}/claim`);
    await b.next(about(theirs, 'case.claimed'), 'case.claimed for B');
    // Events arrive in commit order: once a later team-A event is in, any team-B leak would be too.
    const sentinel = await create(o.teamA, 'Sentinel');
    await a.next(about(sentinel, 'case.created'), 'sentinel');
    await b.next(about(theirs, 'case.status_changed'), 'B status change');
    expect(a.events.filter(about(theirs))).toEqual([]);
    expect(b.events.filter((e) => e.data?.caseId === mine || e.data?.caseId === sentinel)).toEqual([]);
  });

  it('someone of another team hears of a case once they follow it', async () => {
    const a = await connected(o.agentB);
    const id = await create(o.teamA, 'Needs B');
    await call(t, o.supervisor, 'POST', `/api/v1/cases/${id}/collaborators`, { userId: o.agentB.id });
    await a.next(about(id, 'case.collaborator_added'), 'collaborator_added');
    await call(t, o.supervisor, 'POST', `/api/v1/cases/${id}/messages`, { body: 'FYI', internal: true });
    await a.next(about(id, 'case.message_created'), 'message_created');
    expect(a.events.filter(about(id, 'case.created'))).toEqual([]);
  });

  it('Last-Event-ID resumes: missed events the user may see are replayed, others are not', async () => {
    const first = await connected(o.agent);
    const marker = await create(o.teamA, 'Before the gap');
    const last = await first.next(about(marker, 'case.created'), 'marker');
    first.close();
    const missed = await create(o.teamA, 'During the gap');
    await call(t, o.agent, 'POST', `/api/v1/cases/${missed}/claim`);
    const hidden = await create(o.teamB, 'Not for A');
    const again = await connected(o.agent, last.id);
    const replayed = again.events.filter((e) => e.event !== 'ready').map((e) => [e.event, e.data.caseId]);
    expect(replayed).toEqual([
      ['case.created', missed],
      ['case.claimed', missed],
      ['case.status_changed', missed],
    ]);
    expect(again.events.filter(about(hidden))).toEqual([]);
    expect(again.events.slice(0, 3).every((e) => BigInt(e.id!) > BigInt(last.id!))).toBe(true);
  });
});

describe.each(DB_KINDS)('live customer updates (%s)', (kind) => {
  const { rig, connected, create } = liveRig(kind);
  const forCustomer = (id: string) => (e: SseEvent) => e.event === 'customer.updated' && e.data?.customerId === id;

  it('an edited customer is announced to those who see one of their cases, and to no one else', async () => {
    const { t, o } = rig;
    const a = await connected(o.agent);
    const b = await connected(o.agentB);
    const admin = await connected(o.admin);
    const made = await call(t, o.agent, 'POST', '/api/v1/cases', {
      subject: 'Lamp flickers',
      teamId: o.teamA,
      customer: { name: 'Lu Live' },
    });
    const customerId = made.data.customer.id as string;
    expect(
      (await call(t, o.agent, 'PATCH', `/api/v1/customers/${customerId}`, { name: 'Lu Livewire', phone: '+1 555 010 4000' })).statusCode,
    ).toBe(200);
    const heard = await a.next(forCustomer(customerId), 'customer.updated for A');
    expect(heard.data).toEqual({ type: 'customer.updated', caseId: null, customerId, at: expect.any(String) });
    expect(heard.id).toBeUndefined();
    await admin.next(forCustomer(customerId), 'customer.updated for the admin');
    // Events arrive in commit order: once a later team-B event is in, a leak of the edit would be too.
    const sentinel = await create(o.teamB, 'Sentinel B');
    await b.next(about(sentinel, 'case.created'), 'sentinel');
    expect(b.events.filter(forCustomer(customerId))).toEqual([]);
  });

  it('a customer whose case 250 agents follow is edited and announced (in parts that fit a NOTIFY payload)', async () => {
    const { t, o } = rig;
    const made = await call(t, o.admin, 'POST', '/api/v1/cases', { subject: 'Big account', teamId: o.teamA, customer: { name: 'Big Co' } });
    const customer = made.data.customer.id as string;
    const followers = await Promise.all(Array.from({ length: 250 }, () => makeUser(t.db, { role: 'agent', teamIds: [o.teamA] })));
    for (const f of followers) expect((await call(t, f, 'POST', `/api/v1/cases/${made.data.id}/follow`)).statusCode).toBeLessThan(300);
    const last = await connected(followers.at(-1)!);
    expect((await call(t, o.admin, 'PATCH', `/api/v1/customers/${customer}`, { name: 'Big Company' })).statusCode).toBe(200);
    await last.next(forCustomer(customer), 'customer.updated for the last follower');
    expect((await call(t, followers[0]!, 'GET', `/api/v1/customers/${customer}`)).data.name).toBe('Big Company');
  });

  it('a merge is announced for both customers to those who see their cases', async () => {
    const { t, o } = rig;
    const a = await connected(o.agent);
    const b = await connected(o.agentB);
    const one = await call(t, o.admin, 'POST', '/api/v1/cases', { subject: 'First', teamId: o.teamA, customer: { name: 'Mo One' } });
    const two = await call(t, o.admin, 'POST', '/api/v1/cases', {
      subject: 'Second',
      teamId: o.teamA,
      customer: { email: 'mo@example.com' },
    });
    const [from, into] = [two.data.customer.id as string, one.data.customer.id as string];
    expect((await call(t, o.supervisor, 'POST', `/api/v1/customers/${from}/merge`, { intoCustomerId: into })).statusCode).toBe(200);
    await a.next(forCustomer(into), 'survivor updated');
    await a.next(forCustomer(from), 'merged customer updated');
    const sentinel = await create(o.teamB, 'Sentinel B2');
    await b.next(about(sentinel, 'case.created'), 'sentinel');
    expect(b.events.filter((e) => e.event === 'customer.updated')).toEqual([]);
  });
});

describe('notices in parts that fit a NOTIFY payload (noticeParts)', () => {
  const uuid = (i: number) => `0190f2a4-0000-7000-8000-${String(i).padStart(12, '0')}`;
  const fits = (n: LiveNotice) => expect(Buffer.byteLength(JSON.stringify(n))).toBeLessThan(8000);

  it('a small notice is sent whole, as it is', () => {
    const n: LiveNotice = {
      caseId: uuid(1),
      ids: ['12'],
      types: ['case.claimed'],
      audience: { teamIds: [uuid(2)], userIds: [uuid(3)] },
      at: 'x',
    };
    expect(noticeParts(n)).toEqual([n]);
  });

  it.each([
    [2, 400],
    [300, 0],
    [150, 150],
  ])('a case event for %i teams and %i people: every team and person in exactly one part, every part the whole event', (teams, people) => {
    const n: LiveNotice = {
      caseId: uuid(1),
      ids: ['101', '102'],
      types: ['case.message_created', 'case.status_changed'],
      audience: {
        teamIds: Array.from({ length: teams }, (_, i) => uuid(1000 + i)),
        userIds: Array.from({ length: people }, (_, i) => uuid(5000 + i)),
      },
      at: '2026-12-07T01:00:00.000Z',
      mail: true,
    };
    const parts = noticeParts(n);
    expect(parts.length).toBeGreaterThan(1);
    for (const [i, p] of parts.entries()) {
      fits(p);
      expect(p).toMatchObject({
        caseId: n.caseId,
        ids: n.ids,
        types: n.types,
        at: n.at,
        split: parts[0]!.split,
        part: i,
        parts: parts.length,
      });
    }
    expect(parts.flatMap((p) => p.audience.teamIds)).toEqual(n.audience.teamIds);
    expect(parts.flatMap((p) => p.audience.userIds)).toEqual(n.audience.userIds);
    expect(parts.filter((p) => p.mail)).toEqual([parts[0]]);
  });

  it('a notification for 131 people: each part names its recipients and, of the case people, only them, so each is judged alike', () => {
    const followers = Array.from({ length: 130 }, (_, i) => uuid(i));
    const after = { teamId: uuid(999), ownerId: uuid(500), collaboratorIds: followers };
    const live = [uuid(500), ...followers, uuid(777)].map((userId, i) => ({
      id: uuid(10_000 + i),
      userId,
      type: i === 0 ? ('case.customer_replied' as const) : ('case.follow_activity' as const),
      inApp: true,
      desktop: i % 2 === 0,
    }));
    const [whole] = notificationNotices(uuid(1), after, live, true, new Date('2026-12-06T12:00:00Z'));
    const parts = noticeParts(whole!);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      fits(p);
      expect(p.audience.teamIds).toEqual([after.teamId]);
      // A recipient is on its part's audience exactly when it is one of the case's people (the owner, a follower).
      for (const r of p.recipients!) expect(p.audience.userIds.includes(r.userId)).toBe(r.userId !== uuid(777));
      expect(p.audience.userIds.every((u) => p.recipients!.some((r) => r.userId === u))).toBe(true);
    }
    expect(parts.flatMap((p) => p.recipients!.map((r) => r.id))).toEqual(live.map((r) => r.id));
    expect(parts.filter((p) => p.mail)).toEqual([parts[0]]);
    expect(notificationNotices(uuid(1), after, [], true, new Date())).toHaveLength(1);
    expect(notificationNotices(uuid(1), after, [], false, new Date())).toEqual([]);
  });
});

describe.each(DB_KINDS)('a case followed by more people than one notice holds (%s)', (kind) => {
  const { rig, connected, create } = liveRig(kind);

  it('its events reach every follower, on its team or not, exactly once, and nobody else', async () => {
    const { t, o } = rig;
    const id = await create(o.teamA, 'Followed by a crowd');
    const onTeam = await Promise.all(Array.from({ length: 180 }, () => makeUser(t.db, { role: 'agent', teamIds: [o.teamA] })));
    const elsewhere = await Promise.all(Array.from({ length: 40 }, () => makeUser(t.db, { role: 'agent', teamIds: [o.teamB] })));
    for (const f of onTeam) expect((await call(t, f, 'POST', `/api/v1/cases/${id}/follow`)).statusCode).toBeLessThan(300);
    for (const f of elsewhere)
      expect((await call(t, o.supervisor, 'POST', `/api/v1/cases/${id}/collaborators`, { userId: f.id })).statusCode).toBeLessThan(300);
    const streams = await Promise.all(
      [onTeam[0]!, onTeam.at(-1)!, elsewhere[0]!, elsewhere.at(-1)!, o.admin, o.agent].map((u) => connected(u)),
    );
    const outsider = await connected(o.agentB);
    expect(
      (await call(t, o.supervisor, 'POST', `/api/v1/cases/${id}/messages`, { body: 'For the crowd', internal: true })).statusCode,
    ).toBe(201);
    for (const s of streams) await s.next(about(id, 'case.message_created'), 'the note’s event');
    // Events arrive in commit order: once a later event is in, a second copy or a leak would be too.
    const sentinel = await create(o.teamB, 'Sentinel for B');
    for (const s of [outsider, streams[2]!, streams[3]!]) await s.next(about(sentinel, 'case.created'), 'sentinel B');
    const sentinelTeamA = await create(o.teamA, 'Sentinel for A');
    for (const s of [streams[0]!, streams[1]!, streams[4]!, streams[5]!]) await s.next(about(sentinelTeamA, 'case.created'), 'sentinel A');
    for (const s of streams) expect(s.events.filter(about(id, 'case.message_created'))).toHaveLength(1);
    expect(outsider.events.filter(about(id))).toEqual([]);
  });
});

describe.runIf(DB_KINDS.includes('postgres'))('live events across server processes (postgres)', () => {
  const { rig, connected, create } = liveRig('postgres');

  it('a case followed by 80 agents: a note through a second process reaches the bell of every follower on the first', async () => {
    const { t, o } = rig;
    const second = await startSecondProcess(t);
    const app2 = second.app;
    try {
      const id = await create(o.teamA, 'Followed by many');
      const followers = await Promise.all(Array.from({ length: 80 }, () => makeUser(t.db, { role: 'agent', teamIds: [o.teamA] })));
      for (const f of followers) expect((await call(t, f, 'POST', `/api/v1/cases/${id}/follow`)).statusCode).toBeLessThan(300);
      const first = await connected(followers[0]!);
      const last = await connected(followers.at(-1)!);
      const res = await app2.inject({
        method: 'POST',
        url: `/api/v1/cases/${id}/messages`,
        headers: o.admin.headers,
        payload: { body: 'For everyone following', internal: true },
      });
      expect(res.statusCode).toBe(201);
      for (const s of [first, last]) await s.next(about(id, 'notification.created'), 'the follower’s notification');
    } finally {
      await second.close();
    }
  });

  it('a claim made through a second server process reaches SSE clients of the first', async () => {
    const { t, o } = rig;
    const second = await startSecondProcess(t);
    const app2 = second.app;
    try {
      const a = await connected(o.agent);
      const id = await create(o.teamA, 'Claimed elsewhere');
      await a.next(about(id, 'case.created'), 'case.created');
      const res = await app2.inject({ method: 'POST', url: `/api/v1/cases/${id}/claim`, headers: o.agent2.headers });
      expect(res.statusCode).toBe(200);
      const claimed = await a.next(about(id, 'case.claimed'), 'case.claimed from the second process');
      expect(claimed.data).toMatchObject({ type: 'case.claimed', caseId: id });
      expect((await call(t, o.agent, 'GET', `/api/v1/cases/${id}`)).data.ownerId).toBe(o.agent2.id);
    } finally {
      await second.close();
    }
  });
});
