import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, fixedClock, listenOnLoopback, sql, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { expectProblem, expectRefused, makeOrg, type Org } from '../test-support/case-fixtures.ts';
import { openSse, type SseStream } from '../test-support/sse-client.ts';
import { findChannel } from '../db/repos/channels.ts';
import { receiveCustomerMessage } from '../use-cases/receive-customer-message.ts';
import { runTimersOnce } from '../jobs/timers.ts';
import { appendEvents, inTransaction } from '../outbox/outbox.ts';

const T0 = new Date('2026-04-01T10:00:00Z');

describe.each(DB_KINDS)('notifications (%s)', (kind) => {
  const clock = fixedClock(T0);
  let t: TestApp;
  let o: Org;
  let base: string;
  let channelId: string;
  const streams: SseStream[] = [];
  let mail = 0;

  beforeAll(async () => {
    t = await startTestApp(kind, { clock });
    o = await makeOrg(t);
    base = await listenOnLoopback(t);
    const ch = await call(t, o.admin, 'POST', '/api/v1/channels', {
      type: 'email',
      name: 'Support mail',
      teamId: o.teamA,
      settings: { address: 'support@acme.test' },
    });
    expect(ch.statusCode).toBe(201);
    channelId = ch.data.id;
  });
  afterEach(() => {
    for (const s of streams.splice(0)) s.close();
    clock.advance(1000);
  });
  afterAll(() => t.close());

  const bell = async (user: TestUser, query = '') => {
    const r = await call(t, user, 'GET', `/api/v1/me/notifications${query}`);
    expect(r.statusCode).toBe(200);
    return r.data as { notifications: any[]; unreadCount: number; nextCursor: string | null };
  };
  const about = async (user: TestUser, caseId: string) => (await bell(user)).notifications.filter((n) => n.caseId === caseId);
  const newCase = async (subject: string, body: Record<string, unknown> = {}) => {
    const r = await call(t, o.admin, 'POST', '/api/v1/cases', { subject, teamId: o.teamA, ...body });
    expect(r.statusCode).toBe(201);
    return r.data.id as string;
  };
  /** A customer writes in by email (a new case, or the one this thread belongs to). */
  const customerWrites = async (thread: string, body: string) => {
    mail++;
    const ch = (await findChannel(t.db.kysely, channelId))!;
    const r = await receiveCustomerMessage(t.deps, ch, `mail-${thread}-${mail}`, {
      kind: 'message',
      customer: { name: 'Carla Customer', email: 'carla@cust.test' },
      replyTo: 'carla@cust.test',
      subject: `Thread ${thread}`,
      body,
      lookup: [{ kind: 'thread', id: thread }],
      register: [{ kind: 'thread', id: thread }],
    });
    return r.caseId!;
  };
  const sse = async (user: TestUser) => {
    const s = openSse(`${base}/api/v1/events`, user.headers);
    streams.push(s);
    expect(await s.status).toBe(200);
    await s.next((e) => e.event === 'ready', 'ready');
    return s;
  };

  it('case.assigned: the new owner, once, with a summary naming who and what; never the actor', async () => {
    const id = await newCase('Printer on fire');
    const r = await call(t, o.admin, 'POST', `/api/v1/cases/${id}/assign`, { teamId: o.teamA, ownerId: o.agent.id });
    expect(r.statusCode).toBe(200);
    const got = await about(o.agent, id);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ type: 'case.assigned', caseId: id, actorId: o.admin.id, readAt: null });
    expect(got[0].summary).toMatch(/^Ada Admin assigned you #[A-Z0-9]+ Printer on fire$/);
    expect(await about(o.admin, id)).toEqual([]);
    // Assigning to oneself (a claim, or naming oneself) tells nobody.
    const own = await newCase('Mine');
    expect((await call(t, o.admin, 'POST', `/api/v1/cases/${own}/assign`, { teamId: o.teamA, ownerId: o.admin.id })).statusCode).toBe(200);
    expect(await about(o.admin, own)).toEqual([]);
  });

  it('a case created for someone else tells them; one created for oneself does not', async () => {
    const id = await newCase('Made for Alice', { ownerId: o.agent.id });
    expect((await about(o.agent, id)).map((n) => n.type)).toEqual(['case.assigned']);
  });

  it('case.customer_replied (owner) and case.follow_activity (followers) on a customer message', async () => {
    const id = await customerWrites('t1', 'Hello, my order is late');
    expect((await call(t, o.agent, 'POST', `/api/v1/cases/${id}/claim`)).statusCode).toBe(200);
    expect((await call(t, o.agent2, 'POST', `/api/v1/cases/${id}/follow`)).statusCode).toBe(200);
    clock.advance(1000);
    expect(await customerWrites('t1', 'Any news?')).toBe(id);
    expect((await about(o.agent, id)).map((n) => n.type)).toEqual(['case.customer_replied']);
    expect((await about(o.agent, id))[0].summary).toMatch(/^Carla Customer wrote on #/);
    expect((await about(o.agent2, id)).map((n) => n.type)).toEqual(['case.follow_activity']);
    expect((await about(o.agent, id))[0].actorId).toBeUndefined();
  });

  it('case.woke: the owner when the wake time comes (and followers once, not twice)', async () => {
    const id = await newCase('Call back later', { ownerId: o.agent.id });
    expect((await call(t, o.agent2, 'POST', `/api/v1/cases/${id}/follow`)).statusCode).toBe(200);
    const wakeAt = new Date(clock.now().getTime() + 3_600_000);
    expect((await call(t, o.agent, 'POST', `/api/v1/cases/${id}/wait`, { wakeAt: wakeAt.toISOString() })).statusCode).toBe(200);
    expect((await about(o.agent2, id)).map((n) => n.type)).toEqual(['case.follow_activity']);
    clock.set(wakeAt);
    expect((await runTimersOnce(t.deps)).woken).toBeGreaterThanOrEqual(1);
    expect((await about(o.agent, id)).map((n) => n.type)).toEqual(['case.woke', 'case.assigned']);
    expect((await about(o.agent, id))[0].summary).toMatch(/woke up/);
    expect((await about(o.agent2, id)).map((n) => n.type)).toEqual(['case.follow_activity', 'case.follow_activity']);
  });

  it('case.mentioned: users a note names by email who may see the case; not the author, not someone who may not see it', async () => {
    const id = await newCase('Needs a second opinion');
    const body = `@${o.agent2.email} and @${o.agentB.email} and @${o.agent.email}: thoughts?`;
    const r = await call(t, o.agent, 'POST', `/api/v1/cases/${id}/messages`, { body, internal: true });
    expect(r.statusCode).toBe(201);
    expect((await about(o.agent2, id)).map((n) => n.type)).toEqual(['case.mentioned']);
    expect((await about(o.agent2, id))[0].summary).toMatch(/^Alice Agent mentioned you on #/);
    expect(await about(o.agentB, id)).toEqual([]); // team B may not see a team A case
    expect(await about(o.agent, id)).toEqual([]);
    const ev = (await call(t, o.admin, 'GET', `/api/v1/cases/${id}/events`)).data.events.find(
      (e: any) => e.type === 'case.message_created',
    );
    expect(ev.data.mentionedUserIds.sort()).toEqual([o.agent.id, o.agent2.id, o.agentB.id].sort());
    // A public reply does not mention anyone.
    await call(t, o.admin, 'POST', `/api/v1/cases/${id}/messages`, { body: `thanks @${o.agent2.email}` });
    expect(await about(o.agent2, id)).toHaveLength(1);
  });

  it('a claim tells nobody, not even followers', async () => {
    const id = await newCase('Queued');
    expect((await call(t, o.agent2, 'POST', `/api/v1/cases/${id}/follow`)).statusCode).toBe(200);
    expect((await call(t, o.agent, 'POST', `/api/v1/cases/${id}/claim`)).statusCode).toBe(200);
    expect(await about(o.agent2, id)).toEqual([]);
  });

  it('a rolled-back change notifies no one and announces nothing', async () => {
    const id = await newCase('Rolled back');
    const live = await sse(o.agent);
    await expect(
      inTransaction(t.deps, async (trx) => {
        await appendEvents(trx, {
          caseId: id,
          actorId: o.admin.id,
          at: clock.now(),
          audience: { teamIds: [o.teamA], userIds: [o.agent.id] },
          events: [{ type: 'case.assigned', data: { from: null, to: o.agent.id } }],
          after: { type: 'email', status: 'ready', teamId: o.teamA, ownerId: o.agent.id, collaboratorIds: [] },
        });
        const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM notifications WHERE case_id = ${id}::uuid`.execute(trx);
        expect(n.rows[0]!.n).toBe(1); // written in the change's transaction…
        throw new Error('the change fails');
      }),
    ).rejects.toThrow('the change fails');
    const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM notifications WHERE case_id = ${id}::uuid`.execute(t.db.kysely);
    expect(n.rows[0]!.n).toBe(0); // …and gone with it
    // A later change on the case arrives, the rolled-back one never did.
    await call(t, o.admin, 'POST', `/api/v1/cases/${id}/assign`, { teamId: o.teamA, ownerId: o.agent.id });
    await live.next((e) => e.event === 'notification.created' && e.data.caseId === id, 'the committed notification');
    expect(live.events.filter((e) => e.event === 'notification.created' && e.data.caseId === id)).toHaveLength(1);
  });

  it('notification.created reaches that user only, live', async () => {
    const alice = await sse(o.agent);
    const arthur = await sse(o.agent2);
    const admin = await sse(o.admin);
    const id = await newCase('Live one');
    await call(t, o.supervisor, 'POST', `/api/v1/cases/${id}/assign`, { teamId: o.teamA, ownerId: o.agent.id });
    const e = await alice.next((x) => x.event === 'notification.created' && x.data.caseId === id, 'notification.created');
    const [mine] = await about(o.agent, id);
    expect(e.data.notification).toMatchObject({ id: mine.id, type: 'case.assigned', inApp: true, desktop: true });
    // Both other streams heard the assignment itself, but not the notification.
    await arthur.next((x) => x.event === 'case.assigned' && x.data.caseId === id, 'case.assigned on another stream');
    await admin.next((x) => x.event === 'case.assigned' && x.data.caseId === id, 'case.assigned on the admin stream');
    expect([...arthur.events, ...admin.events].filter((x) => x.event === 'notification.created')).toEqual([]);
  });

  it('a user who can no longer see the case no longer sees its notifications (list and count)', async () => {
    const id = await newCase('Soon hidden');
    await call(t, o.admin, 'POST', `/api/v1/cases/${id}/messages`, { body: `@${o.viewer.email} look`, internal: true });
    const before = await bell(o.viewer);
    expect(before.notifications.some((n) => n.caseId === id)).toBe(true);
    const moved = await call(t, o.admin, 'POST', `/api/v1/cases/${id}/assign`, { teamId: o.teamB });
    expect(moved.statusCode).toBe(200);
    const after = await bell(o.viewer);
    expect(after.notifications.some((n) => n.caseId === id)).toBe(false);
    expect(after.unreadCount).toBe(before.unreadCount - 1);
  });

  it('mark read by ids (only one’s own) and all; unread filter and count follow', async () => {
    const user = o.supervisor;
    const ids: string[] = [];
    for (const s of ['R1', 'R2', 'R3']) {
      const id = await newCase(s);
      await call(t, o.admin, 'POST', `/api/v1/cases/${id}/assign`, { teamId: o.teamA, ownerId: user.id });
      ids.push(id);
      clock.advance(10);
    }
    const all = await bell(user);
    expect(all.unreadCount).toBe(3);
    expect(all.notifications.map((n) => n.caseId)).toEqual([...ids].reverse());
    const first = all.notifications[2].id;
    const other = (await bell(o.agent)).notifications[0].id;
    const r = await call(t, user, 'POST', '/api/v1/me/notifications/read', { ids: [first, other] });
    expect(r.data).toEqual({ marked: 1, unreadCount: 2 });
    expect((await bell(o.agent)).notifications[0].readAt).toBeNull();
    const unread = await bell(user, '?unread=true');
    expect(unread.notifications.map((n) => n.caseId)).toEqual([ids[2], ids[1]]);
    expect((await call(t, user, 'POST', '/api/v1/me/notifications/read', { all: true })).data).toEqual({ marked: 2, unreadCount: 0 });
    expect((await bell(user)).notifications.every((n) => n.readAt !== null)).toBe(true);
    expectProblem(await call(t, user, 'POST', '/api/v1/me/notifications/read', { all: false }), 400, 'validation_failed');
    expectProblem(await call(t, user, 'POST', '/api/v1/me/notifications/read', {}), 400, 'validation_failed');
  });

  it('pages with a cursor, newest first', async () => {
    const user = await (async () => o.agentB)();
    const made: string[] = [];
    for (let i = 0; i < 55; i++) {
      const r = await call(t, o.admin, 'POST', '/api/v1/cases', { subject: `P${i}`, teamId: o.teamB, ownerId: user.id });
      made.push(r.data.id);
      clock.advance(1);
    }
    const p1 = await bell(user);
    expect(p1.notifications).toHaveLength(50);
    expect(p1.nextCursor).not.toBeNull();
    const p2 = await bell(user, `?cursor=${p1.nextCursor}`);
    expect(p2.nextCursor).toBeNull();
    expect([...p1.notifications, ...p2.notifications].map((n) => n.caseId)).toEqual([...made].reverse());
    expect(p1.unreadCount).toBe(55);
    expectProblem(await call(t, user, 'GET', '/api/v1/me/notifications?cursor=nope'), 400, 'validation_failed');
  });

  it('settings: defaults, partial changes, and each medium respected', async () => {
    const user = o.agent2;
    const d = await call(t, user, 'GET', '/api/v1/me/notification-settings');
    expect(d.statusCode).toBe(200);
    expect(d.data.emailDigest).toBe('off');
    expect(d.data.types['case.assigned']).toEqual({ inApp: true, email: true, desktop: true });
    expect(Object.keys(d.data.types).sort()).toEqual(
      ['case.assigned', 'case.customer_replied', 'case.follow_activity', 'case.mentioned', 'case.sla_breached', 'case.woke'].sort(),
    );
    const put = await call(t, user, 'PUT', '/api/v1/me/notification-settings', {
      types: { 'case.assigned': { inApp: false, email: false, desktop: false } },
      emailDigest: 'daily',
    });
    expect(put.statusCode).toBe(200);
    expect(put.data.types['case.assigned']).toEqual({ inApp: false, email: false, desktop: false });
    expect(put.data.types['case.woke']).toEqual({ inApp: true, email: true, desktop: true });
    expect((await call(t, user, 'GET', '/api/v1/me/notification-settings')).data).toEqual(put.data);
    const id = await newCase('Quiet please');
    await call(t, o.admin, 'POST', `/api/v1/cases/${id}/assign`, { teamId: o.teamA, ownerId: user.id });
    expect(await about(user, id)).toEqual([]);
    const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM notifications WHERE case_id = ${id}::uuid`.execute(t.db.kysely);
    expect(n.rows[0]!.n).toBe(0);
    // In the bell only: listed, no mail.
    await call(t, user, 'PUT', '/api/v1/me/notification-settings', { types: { 'case.assigned': { inApp: true } } });
    const id2 = await newCase('Bell only');
    await call(t, o.admin, 'POST', `/api/v1/cases/${id2}/assign`, { teamId: o.teamA, ownerId: user.id });
    expect(await about(user, id2)).toHaveLength(1);
    const row = await sql<{
      email_status: string;
      desktop: boolean;
    }>`SELECT email_status, desktop FROM notifications WHERE case_id = ${id2}::uuid`.execute(t.db.kysely);
    expect(row.rows).toEqual([{ email_status: 'none', desktop: false }]);
  });

  it('settings: unknown types, media and digests are refused naming the field, changing nothing', async () => {
    const url = '/api/v1/me/notification-settings';
    const cases: [unknown, string][] = [
      [{ types: { 'case.closed': { inApp: true } } }, 'types.case.closed'],
      [{ types: { 'case.assigned': { sms: true } } }, 'types.case.assigned.sms'],
      [{ types: { 'case.assigned': { email: 'yes' } } }, 'types.case.assigned.email'],
      [{ emailDigest: 'weekly' }, 'emailDigest'],
    ];
    for (const [body, field] of cases) {
      const p = await expectRefused(t, o.agent, 'PUT', url, body, 400, 'validation_failed');
      expect(p.fields.map((e: any) => e.field)).toEqual([field]);
    }
  });

  it('the mention picker offers only active users who may see the case, filtered by name or email', async () => {
    const id = await newCase('Who can help?');
    const all = await call(t, o.agent, 'GET', `/api/v1/cases/${id}/mentionable`);
    expect(all.statusCode).toBe(200);
    const ids = all.data.users.map((u: any) => u.id);
    for (const u of [o.admin, o.supervisor, o.agent, o.agent2, o.viewer]) expect(ids).toContain(u.id);
    expect(ids).not.toContain(o.agentB.id); // team B may not see a team A case
    const some = await call(t, o.agent, 'GET', `/api/v1/cases/${id}/mentionable?q=arth`);
    expect(some.data.users).toEqual([{ id: o.agent2.id, name: 'Arthur Agent', email: o.agent2.email }]);
    const pct = await call(t, o.agent, 'GET', `/api/v1/cases/${id}/mentionable?q=%25`);
    expect(pct.data.users).toEqual([]); // a LIKE wildcard is matched literally
    // A case the asker may not see is not found, as if it did not exist.
    expectProblem(await call(t, o.agentB, 'GET', `/api/v1/cases/${id}/mentionable`), 404, 'not_found');
  });
});
