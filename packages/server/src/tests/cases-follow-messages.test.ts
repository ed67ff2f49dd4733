import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, fixedClock, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { fingerprint, makeOrg, seedCase, UNKNOWN_ID, type Org, expectRefused } from '../test-support/case-fixtures.ts';

const NOW = new Date('2026-05-04T10:00:00.000Z');
const EARLIER = new Date('2026-05-01T09:00:00.000Z');

describe.each(DB_KINDS)('follow, collaborators, messages and history (%s)', (kind) => {
  let t: TestApp;
  let o: Org;
  let clock: ReturnType<typeof fixedClock>;
  const seed = (c: Partial<Parameters<typeof seedCase>[1]> = {}) => seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER, ...c });
  const refused = (user: TestUser | null, method: string, url: string, body: unknown, status: number, code: string) =>
    expectRefused(t, user, method, url, body, status, code);

  beforeAll(async () => {
    clock = fixedClock(NOW);
    t = await startTestApp(kind, { clock });
    o = await makeOrg(t);
  });
  afterAll(() => t.close());

  describe('POST/DELETE /cases/:id/follow', () => {
    it('a viewer follows and unfollows a team case; repeating either changes nothing', async () => {
      const id = await seed();
      const f = await call(t, o.viewer, 'POST', `/api/v1/cases/${id}/follow`);
      expect(f.statusCode).toBe(200);
      expect(f.data).toMatchObject({ collaboratorIds: [o.viewer.id], updatedAt: NOW.toISOString() });
      expect(f.data.actions).toEqual(['unfollow']);
      const before = await fingerprint(t.db);
      expect((await call(t, o.viewer, 'POST', `/api/v1/cases/${id}/follow`)).data.collaboratorIds).toEqual([o.viewer.id]);
      expect(await fingerprint(t.db)).toBe(before);
      const u = await call(t, o.viewer, 'DELETE', `/api/v1/cases/${id}/follow`);
      expect(u.data).toMatchObject({ collaboratorIds: [] });
      expect(u.data.actions).toEqual(['follow']);
      expect((await call(t, o.viewer, 'DELETE', `/api/v1/cases/${id}/follow`)).statusCode).toBe(200);
      const events = (await call(t, o.admin, 'GET', `/api/v1/cases/${id}/events`)).data.events;
      expect(events.map((e: { type: string; data: unknown }) => [e.type, e.data])).toEqual([
        ['case.collaborator_added', { userId: o.viewer.id }],
        ['case.collaborator_removed', { userId: o.viewer.id }],
      ]);
    });

    it("401, 404 for another team's case, 403 follow on a closed case, 400 for a body", async () => {
      const id = await seed();
      await refused(null, 'POST', `/api/v1/cases/${id}/follow`, undefined, 401, 'unauthenticated');
      await refused(null, 'DELETE', `/api/v1/cases/${id}/follow`, undefined, 401, 'unauthenticated');
      await refused(o.agentB, 'POST', `/api/v1/cases/${id}/follow`, undefined, 404, 'not_found');
      await refused(o.agentB, 'DELETE', `/api/v1/cases/${id}/follow`, undefined, 404, 'not_found');
      await refused(o.agent, 'POST', `/api/v1/cases/${UNKNOWN_ID}/follow`, undefined, 404, 'not_found');
      const closed = await seed({ status: 'closed' });
      expect((await refused(o.agent, 'POST', `/api/v1/cases/${closed}/follow`, undefined, 403, 'forbidden')).action).toBe('follow');
      await refused(o.agent, 'POST', `/api/v1/cases/${id}/follow`, { userId: o.agent2.id }, 400, 'validation_failed');
    });
  });

  describe('POST/DELETE /cases/:id/collaborators', () => {
    it('a supervisor adds and removes someone else; the collaborator then sees it in following', async () => {
      const id = await seed({ ownerId: o.agent.id });
      const r = await call(t, o.supervisor, 'POST', `/api/v1/cases/${id}/collaborators`, { userId: o.agent2.id });
      expect(r.data.collaboratorIds).toEqual([o.agent2.id]);
      const mine = await call(t, o.agent2, 'GET', '/api/v1/cases?following=true');
      expect(mine.data.cases.map((c: { id: string }) => c.id)).toEqual([id]);
      const d = await call(t, o.supervisor, 'DELETE', `/api/v1/cases/${id}/collaborators/${o.agent2.id}`);
      expect(d.data.collaboratorIds).toEqual([]);
      expect((await call(t, o.agent2, 'GET', '/api/v1/cases?following=true')).data.total).toBe(0);
    });

    it('anyone may add themselves (follow); adding others needs assign', async () => {
      const id = await seed();
      expect((await call(t, o.agent, 'POST', `/api/v1/cases/${id}/collaborators`, { userId: o.agent.id })).data.collaboratorIds).toEqual([
        o.agent.id,
      ]);
      expect((await refused(o.agent, 'POST', `/api/v1/cases/${id}/collaborators`, { userId: o.agent2.id }, 403, 'forbidden')).action).toBe(
        'assign',
      );
      expect(
        (await refused(o.agent, 'DELETE', `/api/v1/cases/${id}/collaborators/${o.agent2.id}`, undefined, 403, 'forbidden')).action,
      ).toBe('assign');
      expect((await call(t, o.agent, 'DELETE', `/api/v1/cases/${id}/collaborators/${o.agent.id}`)).data.collaboratorIds).toEqual([]);
    });

    it('401, 404 for invisible cases and malformed ids, 400 for unknown users and bad bodies', async () => {
      const id = await seed();
      await refused(null, 'POST', `/api/v1/cases/${id}/collaborators`, { userId: o.agent.id }, 401, 'unauthenticated');
      await refused(o.agentB, 'POST', `/api/v1/cases/${id}/collaborators`, { userId: o.agentB.id }, 404, 'not_found');
      await refused(o.supervisor, 'DELETE', `/api/v1/cases/${id}/collaborators/nobody`, undefined, 404, 'not_found');
      const cases: [unknown, string][] = [
        [{ userId: UNKNOWN_ID }, 'userId'],
        [{ userId: 'x' }, 'userId'],
        [{}, 'userId'],
        [{ userId: o.agent.id, role: 'cc' }, 'role'],
      ];
      for (const [body, field] of cases) {
        const p = await refused(o.supervisor, 'POST', `/api/v1/cases/${id}/collaborators`, body, 400, 'validation_failed');
        expect(p.fields.map((f: { field: string }) => f.field)).toEqual([field]);
      }
    });
  });

  describe('messages', () => {
    it("a reply goes out on the case's channel, a note stays internal; both are listed oldest first", async () => {
      const id = await seed({ type: 'sms' });
      const reply = await call(t, o.agent, 'POST', `/api/v1/cases/${id}/messages`, { body: 'We are on it.' });
      expect(reply.statusCode).toBe(201);
      expect(reply.data).toMatchObject({
        body: 'We are on it.',
        internal: false,
        direction: 'outbound',
        channel: 'sms',
        authorId: o.agent.id,
        createdAt: NOW.toISOString(),
      });
      clock.advance(1000);
      const note = await call(t, o.agent, 'POST', `/api/v1/cases/${id}/messages`, { body: 'Customer sounds upset', internal: true });
      expect(note.data).toMatchObject({ internal: true, direction: 'note', channel: 'note' });
      const list = await call(t, o.viewer, 'GET', `/api/v1/cases/${id}/messages`);
      expect(list.data.messages.map((m: { id: string }) => m.id)).toEqual([reply.data.id, note.data.id]);
      expect(list.data.nextCursor).toBeNull();
      const c = (await call(t, o.agent, 'GET', `/api/v1/cases/${id}`)).data;
      expect(c).toMatchObject({ status: 'new', updatedAt: new Date(NOW.getTime() + 1000).toISOString() });
    });

    it('a reply retried with its Idempotency-Key is posted once and answered the same', async () => {
      const id = await seed({ ownerId: o.agent.id });
      const send = () =>
        t.app.inject({
          method: 'POST',
          url: `/api/v1/cases/${id}/messages`,
          headers: { ...o.agent.headers, 'content-type': 'application/json', 'idempotency-key': 'reply-1' },
          payload: JSON.stringify({ body: 'Your parcel left today.' }),
        });
      const first = await send();
      const again = await send();
      expect(first.statusCode).toBe(201);
      expect(again.statusCode).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(JSON.parse(again.body).id).toBe(JSON.parse(first.body).id);
      const list = (await call(t, o.agent, 'GET', `/api/v1/cases/${id}/messages`)).data.messages;
      expect(list.filter((m: { body: string }) => m.body === 'Your parcel left today.')).toHaveLength(1);
    });

    it('pages through messages with a cursor, without duplicates or gaps', async () => {
      const id = await seed({ ownerId: o.agent.id });
      const sent: string[] = [];
      for (let i = 0; i < 7; i++) {
        if (i !== 3) clock.advance(1000); // two messages share a timestamp
        sent.push((await call(t, o.agent, 'POST', `/api/v1/cases/${id}/messages`, { body: `m${i}` })).data.id);
      }
      const got: string[] = [];
      let cursor = '';
      for (let i = 0; i < 10; i++) {
        const r = await call(t, o.agent, 'GET', `/api/v1/cases/${id}/messages?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        got.push(...r.data.messages.map((m: { id: string }) => m.id));
        if (!r.data.nextCursor) break;
        cursor = r.data.nextCursor;
      }
      expect(got).toEqual(sent);
    });

    it('401, 404, 403 message for viewers and on canceled cases, 400 for bad bodies and cursors', async () => {
      const id = await seed();
      await refused(null, 'POST', `/api/v1/cases/${id}/messages`, { body: 'hi' }, 401, 'unauthenticated');
      await refused(null, 'GET', `/api/v1/cases/${id}/messages`, undefined, 401, 'unauthenticated');
      await refused(o.agentB, 'POST', `/api/v1/cases/${id}/messages`, { body: 'hi' }, 404, 'not_found');
      await refused(o.agentB, 'GET', `/api/v1/cases/${id}/messages`, undefined, 404, 'not_found');
      expect((await refused(o.viewer, 'POST', `/api/v1/cases/${id}/messages`, { body: 'hi' }, 403, 'forbidden')).action).toBe('message');
      const canceled = await seed({ status: 'canceled' });
      expect((await refused(o.supervisor, 'POST', `/api/v1/cases/${canceled}/messages`, { body: 'hi' }, 403, 'forbidden')).action).toBe(
        'message',
      );
      const bad: [unknown, string][] = [
        [{}, 'body'],
        [{ body: '' }, 'body'],
        [{ body: '   ' }, 'body'],
        [{ body: 'x', internal: 'yes' }, 'internal'],
        [{ body: 'x', to: 'a@b.c' }, 'to'],
      ];
      for (const [body, field] of bad) {
        const p = await refused(o.agent, 'POST', `/api/v1/cases/${id}/messages`, body, 400, 'validation_failed');
        expect(p.fields.map((f: { field: string }) => f.field)).toEqual([field]);
      }
      await refused(o.agent, 'GET', `/api/v1/cases/${id}/messages?cursor=garbage`, undefined, 400, 'validation_failed');
      await refused(o.agent, 'GET', `/api/v1/cases/${id}/messages?limit=0`, undefined, 400, 'validation_failed');
    });
  });

  describe('GET /cases/:id/events', () => {
    it('the whole history, oldest first, with actor and data; pages by cursor', async () => {
      const id = (await call(t, o.agent, 'POST', '/api/v1/cases', { subject: 'History', teamId: o.teamA, type: 'email' })).data.id;
      await call(t, o.agent, 'POST', `/api/v1/cases/${id}/claim`);
      await call(t, o.agent, 'POST', `/api/v1/cases/${id}/messages`, { body: 'Hello' });
      await call(t, o.agent, 'POST', `/api/v1/cases/${id}/resolve`, { resolution: 'completed' });
      const all = (await call(t, o.viewer, 'GET', `/api/v1/cases/${id}/events`)).data;
      expect(all.events.map((e: { type: string; actorId: string }) => [e.type, e.actorId])).toEqual([
        ['case.created', o.agent.id],
        ['case.claimed', o.agent.id],
        ['case.status_changed', o.agent.id],
        ['case.message_created', o.agent.id],
        ['case.delivery_changed', null],
        ['case.status_changed', o.agent.id],
      ]);
      // The case came in through no channel: the reply cannot reach the customer, and the history says so.
      expect(all.events[4].data).toMatchObject({ state: 'failed', authorId: o.agent.id });
      expect(all.events[5].data).toEqual({ from: 'ready', to: 'resolved', reason: 'resolved' });
      const p1 = (await call(t, o.viewer, 'GET', `/api/v1/cases/${id}/events?limit=2`)).data;
      const p2 = (await call(t, o.viewer, 'GET', `/api/v1/cases/${id}/events?limit=2&cursor=${p1.nextCursor}`)).data;
      const p3 = (await call(t, o.viewer, 'GET', `/api/v1/cases/${id}/events?limit=2&cursor=${p2.nextCursor}`)).data;
      expect([...p1.events, ...p2.events, ...p3.events]).toEqual(all.events);
      expect(p3.nextCursor).toBeNull();
    });

    it('401, 404 for another team and unknown ids, 400 for a bad cursor', async () => {
      const id = await seed();
      await refused(null, 'GET', `/api/v1/cases/${id}/events`, undefined, 401, 'unauthenticated');
      await refused(o.agentB, 'GET', `/api/v1/cases/${id}/events`, undefined, 404, 'not_found');
      await refused(o.agentB, 'GET', '/api/v1/cases/zzz/events', undefined, 404, 'not_found');
      await refused(o.agent, 'GET', `/api/v1/cases/${id}/events?cursor=abc`, undefined, 400, 'validation_failed');
    });
  });
});
