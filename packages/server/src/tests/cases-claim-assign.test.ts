import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, fixedClock, makeUser, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { makeOrg, seedCase, UNKNOWN_ID, type Org, expectRefused } from '../test-support/case-fixtures.ts';

const NOW = new Date('2026-05-04T10:00:00.000Z');
const EARLIER = new Date('2026-05-01T09:00:00.000Z');

describe.each(DB_KINDS)('claim, assign and unassign (%s)', (kind) => {
  let t: TestApp;
  let o: Org;
  let both: TestUser;
  const seed = (c: Partial<Parameters<typeof seedCase>[1]> = {}) => seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER, ...c });
  const get = async (user: TestUser, id: string) => (await call(t, user, 'GET', `/api/v1/cases/${id}`)).data;
  const eventTypes = async (id: string) =>
    (await call(t, o.admin, 'GET', `/api/v1/cases/${id}/events`)).data.events.map((e: { type: string }) => e.type);
  /** Runs a refused request and checks it changed nothing. */
  const refused = (user: TestUser | null, method: string, url: string, body: unknown, status: number, code: string) =>
    expectRefused(t, user, method, url, body, status, code);

  beforeAll(async () => {
    t = await startTestApp(kind, { clock: fixedClock(NOW) });
    o = await makeOrg(t);
    both = await makeUser(t.db, { role: 'agent', teamIds: [o.teamA, o.teamB], name: 'Bea Both' });
  });
  afterAll(() => t.close());

  describe('POST /cases/:id/claim', () => {
    it("401, 404 for another team's or an unknown case, 403 for a viewer", async () => {
      const id = await seed();
      await refused(null, 'POST', `/api/v1/cases/${id}/claim`, {}, 401, 'unauthenticated');
      await refused(o.agentB, 'POST', `/api/v1/cases/${id}/claim`, {}, 404, 'not_found');
      await refused(o.agent, 'POST', `/api/v1/cases/${UNKNOWN_ID}/claim`, {}, 404, 'not_found');
      await refused(o.agent, 'POST', '/api/v1/cases/12345/claim', {}, 404, 'not_found');
      expect((await refused(o.viewer, 'POST', `/api/v1/cases/${id}/claim`, {}, 403, 'forbidden')).action).toBe('claim');
      const p = await refused(o.agent, 'POST', `/api/v1/cases/${id}/claim`, { ownerId: o.agent.id }, 400, 'validation_failed');
      expect(p.fields).toEqual([{ field: 'ownerId', message: 'is not an allowed field' }]);
    });

    it('a new case becomes ready and owned, with history; the second claimer is told who has it', async () => {
      const id = await seed({ type: 'web_connect' });
      const r = await call(t, o.agent, 'POST', `/api/v1/cases/${id}/claim`);
      expect(r.statusCode).toBe(200);
      expect(r.data).toMatchObject({ status: 'ready', ownerId: o.agent.id, ownerName: 'Alice Agent', updatedAt: NOW.toISOString() });
      expect(r.data.actions).toEqual(['unassign', 'set_waiting', 'resolve', 'spam', 'follow', 'open_chat', 'message', 'edit']);
      expect(await eventTypes(id)).toEqual(['case.claimed', 'case.status_changed']);
      const lost = await refused(o.agent2, 'POST', `/api/v1/cases/${id}/claim`, undefined, 409, 'already_claimed');
      expect(lost).toMatchObject({ ownerId: o.agent.id, ownerName: 'Alice Agent' });
      const again = await call(t, o.agent, 'POST', `/api/v1/cases/${id}/claim`);
      expect(again.data.ownerId).toBe(o.agent.id);
      expect(await eventTypes(id)).toHaveLength(2);
    });

    it('a queued case answers exactly as it then reads: tags, priority, fields, followers, last message', async () => {
      const created = await call(t, o.admin, 'POST', '/api/v1/cases', {
        subject: 'Invoice wrong',
        teamId: o.teamA,
        priority: 'high',
        tags: ['billing', 'vip'],
      });
      expect(created.statusCode, JSON.stringify(created.data)).toBe(201);
      const id = created.data.id;
      expect((await call(t, o.agent2, 'POST', `/api/v1/cases/${id}/follow`)).statusCode).toBe(200);
      expect((await call(t, o.admin, 'POST', `/api/v1/cases/${id}/messages`, { body: 'Looking into it', internal: true })).statusCode).toBe(
        201,
      );
      const before = await get(o.agent, id);
      expect(before).toMatchObject({ status: 'new', ownerId: null });
      const r = await call(t, o.agent, 'POST', `/api/v1/cases/${id}/claim`);
      expect(r.statusCode).toBe(200);
      expect(r.data).toMatchObject({ status: 'ready', ownerId: o.agent.id, priority: 'high', tags: ['billing', 'vip'] });
      expect(r.data.collaboratorIds).toEqual([o.agent2.id]);
      expect(r.data).toEqual(await get(o.agent, id));
      expect((await eventTypes(id)).slice(-2)).toEqual(['case.claimed', 'case.status_changed']);
    });

    it("a case of one of the actor's teams they may not claim, or another team's, changes nothing", async () => {
      const other = await seed({ teamId: o.teamB });
      // the admin sees every case but is not on team B: not theirs to claim
      expect((await refused(o.admin, 'POST', `/api/v1/cases/${other}/claim`, {}, 403, 'forbidden')).action).toBe('claim');
      expect((await get(o.admin, other)).ownerId).toBeNull();
      expect((await call(t, both, 'POST', `/api/v1/cases/${other}/claim`)).data).toMatchObject({ status: 'ready', ownerId: both.id });
    });

    it('an unowned ready or waiting case keeps its status when claimed', async () => {
      const ready = await seed({ status: 'ready' });
      const waiting = await seed({ status: 'waiting', wakeAt: new Date('2026-06-01T00:00:00Z') });
      expect((await call(t, o.agent, 'POST', `/api/v1/cases/${ready}/claim`)).data).toMatchObject({ status: 'ready', ownerId: o.agent.id });
      const w = await call(t, o.agent, 'POST', `/api/v1/cases/${waiting}/claim`);
      expect(w.data).toMatchObject({ status: 'waiting', ownerId: o.agent.id, wakeAt: '2026-06-01T00:00:00.000Z' });
      expect(await eventTypes(waiting)).toEqual(['case.claimed']);
    });

    it('409 transition_not_allowed for a resolved, closed or canceled case', async () => {
      for (const status of ['resolved', 'closed', 'canceled'] as const) {
        const id = await seed({ status });
        await refused(o.agent, 'POST', `/api/v1/cases/${id}/claim`, {}, 409, 'transition_not_allowed');
      }
    });
  });

  describe('POST /cases/:id/assign', () => {
    it('401, 404, 403 for agents and viewers (naming assign), 400 for bad bodies', async () => {
      const id = await seed();
      await refused(null, 'POST', `/api/v1/cases/${id}/assign`, { ownerId: o.agent.id }, 401, 'unauthenticated');
      await refused(o.agentB, 'POST', `/api/v1/cases/${id}/assign`, { ownerId: o.agentB.id }, 404, 'not_found');
      expect((await refused(o.agent, 'POST', `/api/v1/cases/${id}/assign`, { ownerId: o.agent2.id }, 403, 'forbidden')).action).toBe(
        'assign',
      );
      expect((await refused(o.viewer, 'POST', `/api/v1/cases/${id}/assign`, { teamId: o.teamB }, 403, 'forbidden')).action).toBe('assign');
      const cases: [unknown, string][] = [
        [{}, 'teamId'],
        [{ ownerId: 'bob' }, 'ownerId'],
        [{ teamId: 5 }, 'teamId'],
        [{ owner: o.agent.id }, 'owner'],
        [{ ownerId: o.agentB.id }, 'ownerId'],
        [{ teamId: UNKNOWN_ID }, 'teamId'],
        [{ teamId: o.teamB, ownerId: o.agent.id }, 'ownerId'],
      ];
      for (const [body, field] of cases) {
        const p = await refused(o.supervisor, 'POST', `/api/v1/cases/${id}/assign`, body, 400, 'validation_failed');
        expect(
          p.fields.map((f: { field: string }) => f.field),
          JSON.stringify(body),
        ).toEqual([field]);
      }
    });

    it('assigning an owner makes a new case ready; reassigning keeps the status', async () => {
      const id = await seed();
      const r = await call(t, o.supervisor, 'POST', `/api/v1/cases/${id}/assign`, { ownerId: o.agent.id });
      expect(r.statusCode).toBe(200);
      expect(r.data).toMatchObject({ status: 'ready', ownerId: o.agent.id, teamId: o.teamA });
      expect(r.data.actions).toEqual(['assign', 'unassign', 'set_waiting', 'resolve', 'cancel', 'spam', 'follow', 'message', 'edit']);
      const again = await call(t, o.supervisor, 'POST', `/api/v1/cases/${id}/assign`, { ownerId: o.agent2.id.toUpperCase() });
      expect(again.data).toMatchObject({ status: 'ready', ownerId: o.agent2.id, ownerName: 'Arthur Agent' });
      expect(await eventTypes(id)).toEqual(['case.assigned', 'case.status_changed', 'case.assigned']);
    });

    it('moving an unowned case to another team makes it new there (and invisible to the old team)', async () => {
      const id = await seed({ status: 'waiting', wakeAt: new Date('2026-06-01T00:00:00Z') });
      const r = await call(t, o.admin, 'POST', `/api/v1/cases/${id}/assign`, { teamId: o.teamB });
      expect(r.data).toMatchObject({ status: 'new', teamId: o.teamB, ownerId: null, wakeAt: null });
      expect(await eventTypes(id)).toEqual(['case.team_changed', 'case.status_changed']);
      await refused(o.agent, 'GET', `/api/v1/cases/${id}`, undefined, 404, 'not_found');
      expect((await get(o.agentB, id)).actions).toContain('claim');
    });

    it('moving an owned case: the owner stays only if a member of the new team; else it is new there', async () => {
      const kept = await seed({ ownerId: both.id });
      expect((await call(t, o.admin, 'POST', `/api/v1/cases/${kept}/assign`, { teamId: o.teamB })).data).toMatchObject({
        teamId: o.teamB,
        ownerId: both.id,
        status: 'ready',
      });
      const dropped = await seed({ ownerId: o.agent.id, status: 'waiting' });
      expect((await call(t, o.admin, 'POST', `/api/v1/cases/${dropped}/assign`, { teamId: o.teamB })).data).toMatchObject({
        teamId: o.teamB,
        ownerId: null,
        status: 'new',
      });
      const explicit = await seed({ ownerId: both.id });
      expect((await call(t, o.admin, 'POST', `/api/v1/cases/${explicit}/assign`, { teamId: o.teamB, ownerId: null })).data).toMatchObject({
        teamId: o.teamB,
        ownerId: null,
        status: 'new',
      });
      const handed = await seed({ ownerId: o.agent.id });
      expect(
        (await call(t, o.admin, 'POST', `/api/v1/cases/${handed}/assign`, { teamId: o.teamB, ownerId: o.agentB.id })).data,
      ).toMatchObject({ teamId: o.teamB, ownerId: o.agentB.id, status: 'ready' });
    });

    it('409 transition_not_allowed on resolved, closed and canceled cases', async () => {
      for (const status of ['resolved', 'closed', 'canceled'] as const) {
        const id = await seed({ status, ownerId: o.agent.id });
        await refused(o.supervisor, 'POST', `/api/v1/cases/${id}/assign`, { ownerId: o.agent2.id }, 409, 'transition_not_allowed');
      }
    });
  });

  describe('POST /cases/:id/unassign (and assign with ownerId null)', () => {
    it('the owner gives a case up; the status never goes back to new', async () => {
      for (const status of ['ready', 'waiting'] as const) {
        const id = await seed({ status, ownerId: o.agent.id });
        const r = await call(t, o.agent, 'POST', `/api/v1/cases/${id}/unassign`);
        expect(r.statusCode).toBe(200);
        expect(r.data).toMatchObject({ status, ownerId: null, ownerName: null });
        expect(r.data.actions).toEqual(['claim', 'follow', 'message', 'edit']);
        expect(await eventTypes(id)).toEqual(['case.unassigned']);
      }
      const viaAssign = await seed({ ownerId: o.agent.id });
      expect((await call(t, o.agent, 'POST', `/api/v1/cases/${viaAssign}/assign`, { ownerId: null })).data).toMatchObject({
        status: 'ready',
        ownerId: null,
      });
    });

    it("401, 404, 403 for someone else's case (agent, viewer), 409 when closed, 400 for a body", async () => {
      const id = await seed({ ownerId: o.agent2.id });
      await refused(null, 'POST', `/api/v1/cases/${id}/unassign`, {}, 401, 'unauthenticated');
      await refused(o.agentB, 'POST', `/api/v1/cases/${id}/unassign`, {}, 404, 'not_found');
      expect((await refused(o.agent, 'POST', `/api/v1/cases/${id}/unassign`, {}, 403, 'forbidden')).action).toBe('unassign');
      expect((await refused(o.viewer, 'POST', `/api/v1/cases/${id}/unassign`, {}, 403, 'forbidden')).action).toBe('unassign');
      await refused(o.agent2, 'POST', `/api/v1/cases/${id}/unassign`, { ownerId: null }, 400, 'validation_failed');
      const closed = await seed({ ownerId: o.agent.id, status: 'closed' });
      await refused(o.agent, 'POST', `/api/v1/cases/${closed}/unassign`, {}, 409, 'transition_not_allowed');
      expect((await call(t, o.supervisor, 'POST', `/api/v1/cases/${id}/unassign`)).data).toMatchObject({ ownerId: null, status: 'ready' });
    });
  });
});
