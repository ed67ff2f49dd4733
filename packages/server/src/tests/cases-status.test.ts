import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, fixedClock, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { makeOrg, seedCase, type Org, expectRefused } from '../test-support/case-fixtures.ts';

const NOW = new Date('2026-05-04T10:00:00.000Z');
const EARLIER = new Date('2026-05-01T09:00:00.000Z');
const LATER = '2026-05-05T08:30:00.000Z';

describe.each(DB_KINDS)('wait, wake, resolve, cancel, reopen (%s)', (kind) => {
  let t: TestApp;
  let o: Org;
  const seed = (c: Partial<Parameters<typeof seedCase>[1]> = {}) => seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER, ...c });
  const act = (user: TestUser | null, id: string, action: string, body?: unknown) =>
    call(t, user, 'POST', `/api/v1/cases/${id}/${action}`, body);
  const eventTypes = async (id: string) =>
    (await call(t, o.admin, 'GET', `/api/v1/cases/${id}/events`)).data.events.map((e: { type: string }) => e.type);
  const refused = (user: TestUser | null, id: string, action: string, body: unknown, status: number, code: string) =>
    expectRefused(t, user, 'POST', `/api/v1/cases/${id}/${action}`, body, status, code);
  /** 401 without credentials, 404 for a user of another team, 403 (naming the action) for a viewer and a non-owner agent. */
  const guarded = async (id: string, path: string, action: string, body?: unknown) => {
    await refused(null, id, path, body, 401, 'unauthenticated');
    await refused(o.agentB, id, path, body, 404, 'not_found');
    expect((await refused(o.viewer, id, path, body, 403, 'forbidden')).action).toBe(action);
    expect((await refused(o.agent2, id, path, body, 403, 'forbidden')).action).toBe(action);
  };

  beforeAll(async () => {
    t = await startTestApp(kind, { clock: fixedClock(NOW) });
    o = await makeOrg(t);
  });
  afterAll(() => t.close());

  describe('POST /cases/:id/wait', () => {
    it('guards: 401, 404, 403 set_waiting', async () => {
      await guarded(await seed({ ownerId: o.agent.id }), 'wait', 'set_waiting', { wakeAt: LATER });
    });

    it('sets an owned ready case waiting with a future wake time; pressed again it is ready', async () => {
      const id = await seed({ ownerId: o.agent.id });
      const r = await act(o.agent, id, 'wait', { wakeAt: LATER });
      expect(r.statusCode).toBe(200);
      expect(r.data).toMatchObject({ status: 'waiting', wakeAt: LATER, ownerId: o.agent.id, updatedAt: NOW.toISOString() });
      expect(r.data.actions).toEqual(['unassign', 'wake', 'resolve', 'spam', 'follow', 'message', 'edit']);
      const again = await act(o.agent, id, 'wait', {});
      expect(again.data).toMatchObject({ status: 'ready', wakeAt: null });
      expect(await eventTypes(id)).toEqual(['case.status_changed', 'case.status_changed']);
      const history = (await call(t, o.agent, 'GET', `/api/v1/cases/${id}/events`)).data.events;
      expect(history.map((e: { data: unknown }) => e.data)).toEqual([
        { from: 'ready', to: 'waiting', reason: 'set_waiting' },
        { from: 'waiting', to: 'ready', reason: 'set_waiting_again' },
      ]);
    });

    it('without a wake time, and on a new case by a supervisor', async () => {
      const id = await seed();
      expect((await act(o.supervisor, id, 'wait')).data).toMatchObject({ status: 'waiting', wakeAt: null, ownerId: null });
    });

    it('400 naming wakeAt for a past or malformed time; 409 on a resolved case', async () => {
      const id = await seed({ ownerId: o.agent.id });
      const past = await refused(o.agent, id, 'wait', { wakeAt: '2026-05-04T09:59:59.000Z' }, 400, 'validation_failed');
      expect(past.fields).toEqual([{ field: 'wakeAt', message: expect.stringContaining('future') }]);
      const now = await refused(o.agent, id, 'wait', { wakeAt: NOW.toISOString() }, 400, 'validation_failed');
      expect(now.fields.map((f: { field: string }) => f.field)).toEqual(['wakeAt']);
      for (const wakeAt of ['tomorrow', '2026-13-01T00:00:00Z', 17]) {
        const p = await refused(o.agent, id, 'wait', { wakeAt }, 400, 'validation_failed');
        expect(p.fields.map((f: { field: string }) => f.field)).toEqual(['wakeAt']);
      }
      await refused(o.agent, await seed({ ownerId: o.agent.id, status: 'resolved' }), 'wait', {}, 409, 'transition_not_allowed');
    });
  });

  describe('POST /cases/:id/wake', () => {
    it('guards: 401, 404, 403 wake', async () => {
      await guarded(await seed({ ownerId: o.agent.id, status: 'waiting' }), 'wake', 'wake');
    });

    it('wakes a waiting case (ready, wake time cleared); 409 when it is not waiting', async () => {
      const id = await seed({ ownerId: o.agent.id, status: 'waiting', wakeAt: new Date(LATER) });
      const r = await act(o.agent, id, 'wake');
      expect(r.data).toMatchObject({ status: 'ready', wakeAt: null });
      await refused(o.agent, id, 'wake', {}, 409, 'transition_not_allowed');
      const unowned = await seed({ status: 'waiting' });
      expect((await act(o.supervisor, unowned, 'wake')).data).toMatchObject({ status: 'ready', ownerId: null });
    });
  });

  describe('POST /cases/:id/resolve', () => {
    it('guards: 401, 404, 403 resolve', async () => {
      await guarded(await seed({ ownerId: o.agent.id }), 'resolve', 'resolve', { resolution: 'completed' });
    });

    it('completed and unresolved record the resolution and time; the note is kept as an internal note', async () => {
      for (const resolution of ['completed', 'unresolved'] as const) {
        const id = await seed({ ownerId: o.agent.id, status: 'waiting', wakeAt: new Date(LATER) });
        const r = await act(o.agent, id, 'resolve', { resolution, note: `Done: ${resolution}` });
        expect(r.statusCode).toBe(200);
        expect(r.data).toMatchObject({ status: 'resolved', resolution, resolvedAt: NOW.toISOString(), wakeAt: null });
        expect(r.data.actions).toEqual(['reopen', 'spam', 'follow', 'message', 'edit']);
        const msgs = (await call(t, o.agent, 'GET', `/api/v1/cases/${id}/messages`)).data.messages;
        expect(msgs).toMatchObject([{ body: `Done: ${resolution}`, internal: true, direction: 'note', authorId: o.agent.id }]);
        expect(await eventTypes(id)).toEqual(['case.message_created', 'case.status_changed']);
      }
    });

    it('409 when already resolved; canceling through resolve needs cancel; 400 for a bad resolution', async () => {
      const id = await seed({ ownerId: o.agent.id, status: 'resolved' });
      await refused(o.agent, id, 'resolve', { resolution: 'completed' }, 409, 'transition_not_allowed');
      const open = await seed({ ownerId: o.agent.id });
      expect((await refused(o.agent, open, 'resolve', { resolution: 'canceled' }, 403, 'forbidden')).action).toBe('cancel');
      for (const body of [{}, { resolution: 'fixed' }, { resolution: 'completed', note: 3 }, { resolution: 'completed', rating: 5 }]) {
        await refused(o.agent, open, 'resolve', body, 400, 'validation_failed');
      }
      expect((await act(o.supervisor, open, 'resolve', { resolution: 'canceled' })).data).toMatchObject({
        status: 'canceled',
        resolution: 'canceled',
      });
    });
  });

  describe('POST /cases/:id/cancel', () => {
    it('401, 404, 403 for agents even on their own case, and viewers', async () => {
      const id = await seed({ ownerId: o.agent.id });
      await refused(null, id, 'cancel', {}, 401, 'unauthenticated');
      await refused(o.agentB, id, 'cancel', {}, 404, 'not_found');
      expect((await refused(o.agent, id, 'cancel', {}, 403, 'forbidden')).action).toBe('cancel');
      expect((await refused(o.viewer, id, 'cancel', {}, 403, 'forbidden')).action).toBe('cancel');
      await refused(o.supervisor, id, 'cancel', { reason: 'dup' }, 400, 'validation_failed');
    });

    it('a supervisor cancels any open case; a canceled or resolved one cannot be canceled again', async () => {
      for (const status of ['new', 'ready', 'waiting'] as const) {
        const id = await seed({ status, ownerId: status === 'new' ? null : o.agent.id });
        const r = await act(o.supervisor, id, 'cancel', { note: 'Duplicate' });
        expect(r.data).toMatchObject({ status: 'canceled', resolution: 'canceled', resolvedAt: NOW.toISOString() });
        expect(r.data.actions).toEqual(['reopen', 'spam', 'follow']);
        await refused(o.supervisor, id, 'cancel', {}, 409, 'transition_not_allowed');
      }
      await refused(o.supervisor, await seed({ status: 'resolved' }), 'cancel', {}, 409, 'transition_not_allowed');
    });
  });

  describe('POST /cases/:id/reopen', () => {
    it('guards: 401, 404, 403 reopen', async () => {
      await guarded(await seed({ ownerId: o.agent.id, status: 'resolved' }), 'reopen', 'reopen');
    });

    it('a resolved or canceled case reopens to ready if owned, else new', async () => {
      const owned = await seed({ ownerId: o.agent.id, status: 'resolved' });
      expect((await act(o.agent, owned, 'reopen')).data).toMatchObject({
        status: 'ready',
        resolution: null,
        resolvedAt: null,
        ownerId: o.agent.id,
      });
      const unowned = await seed({ status: 'canceled' });
      const r = await act(o.supervisor, unowned, 'reopen');
      expect(r.data).toMatchObject({ status: 'new', resolution: null, resolvedAt: null });
      expect(r.data.actions).toEqual(['claim', 'assign', 'set_waiting', 'resolve', 'cancel', 'spam', 'follow', 'message', 'edit']);
    });

    it('409 for open and closed cases: a closed case refuses every change', async () => {
      await refused(o.agent, await seed({ ownerId: o.agent.id }), 'reopen', {}, 409, 'transition_not_allowed');
      const closed = await seed({ ownerId: o.agent.id, status: 'closed' });
      const tries: [string, unknown][] = [
        ['reopen', {}],
        ['claim', {}],
        ['wait', {}],
        ['wake', {}],
        ['resolve', { resolution: 'completed' }],
        ['unassign', {}],
        ['assign', { ownerId: o.agent2.id }],
      ];
      for (const [action, body] of tries) await refused(o.supervisor, closed, action, body, 409, 'transition_not_allowed');
      expect((await call(t, o.supervisor, 'GET', `/api/v1/cases/${closed}`)).data.actions).toEqual([]);
    });
  });
});
