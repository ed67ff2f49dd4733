import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, startTestApp, type TestApp } from '../test-support/harness.ts';
import { expectProblem, fingerprint, makeOrg, UNKNOWN_ID, type Org } from '../test-support/case-fixtures.ts';

describe.each(DB_KINDS)('POST /api/v1/cases and GET /api/v1/cases/:id (%s)', (kind) => {
  let t: TestApp;
  let o: Org;

  beforeAll(async () => {
    t = await startTestApp(kind);
    o = await makeOrg(t);
  });
  afterAll(() => t.close());

  it('401 without credentials, and nothing is created', async () => {
    const before = await fingerprint(t.db);
    expectProblem(await call(t, null, 'POST', '/api/v1/cases', { subject: 'x', teamId: o.teamA }), 401, 'unauthenticated');
    expectProblem(await call(t, null, 'GET', `/api/v1/cases/${UNKNOWN_ID}`), 401, 'unauthenticated');
    expect(await fingerprint(t.db)).toBe(before);
  });

  it('an agent creates an unowned case on their team: new, platform, with its customer and actions', async () => {
    const r = await call(t, o.agent, 'POST', '/api/v1/cases', {
      subject: '  Printer jams  ',
      teamId: o.teamA,
      description: 'Paper everywhere',
      customer: { name: 'Carla Customer', email: 'carla@example.com', phone: '+4930123' },
    });
    expect(r.statusCode).toBe(201);
    expect(r.data).toMatchObject({
      subject: 'Printer jams',
      description: 'Paper everywhere',
      type: 'platform',
      status: 'new',
      resolution: null,
      teamId: o.teamA,
      ownerId: null,
      ownerName: null,
      collaboratorIds: [],
      resolvedAt: null,
      wakeAt: null,
      followUpOf: null,
      rating: null,
      customer: { name: 'Carla Customer', email: 'carla@example.com', phone: '+4930123' },
    });
    expect(r.data.reference).toMatch(/^[A-Z2-9]{6}$/);
    expect(r.data.createdAt).toBe(r.data.updatedAt);
    expect(r.data.actions).toEqual(['claim', 'follow', 'message', 'edit']);
    const events = await call(t, o.agent, 'GET', `/api/v1/cases/${r.data.id}/events`);
    expect(events.data.events.map((e: { type: string }) => e.type)).toEqual(['case.created']);
    expect(events.data.events[0]).toMatchObject({
      actorId: o.agent.id,
      data: { teamId: o.teamA, ownerId: null, status: 'new', type: 'platform' },
    });
  });

  it('a second case for the same email reuses the customer', async () => {
    const a = await call(t, o.agent, 'POST', '/api/v1/cases', {
      subject: 'One',
      teamId: o.teamA,
      customer: { email: 'same@example.com', name: 'Sue' },
    });
    const b = await call(t, o.agent, 'POST', '/api/v1/cases', { subject: 'Two', teamId: o.teamA, customer: { email: 'SAME@example.com' } });
    expect(b.data.customer.id).toBe(a.data.customer.id);
    expect(b.data.customer.name).toBe('Sue');
  });

  it('a case created with an owner starts ready; a phone case keeps its type', async () => {
    const r = await call(t, o.agent, 'POST', '/api/v1/cases', {
      subject: 'Call back',
      teamId: o.teamA,
      type: 'phone',
      ownerId: o.agent.id,
    });
    expect(r.statusCode).toBe(201);
    expect(r.data).toMatchObject({ status: 'ready', ownerId: o.agent.id, ownerName: 'Alice Agent', type: 'phone' });
    expect(r.data.actions).toEqual(['unassign', 'set_waiting', 'resolve', 'spam', 'follow', 'message', 'edit']);
    const s = await call(t, o.supervisor, 'POST', '/api/v1/cases', {
      subject: 'For Arthur',
      teamId: o.teamA,
      type: 'web_connect',
      ownerId: o.agent2.id,
    });
    expect(s.data).toMatchObject({ status: 'ready', ownerId: o.agent2.id });
    expect(s.data.actions).toEqual([
      'assign',
      'unassign',
      'set_waiting',
      'resolve',
      'cancel',
      'spam',
      'follow',
      'open_chat',
      'message',
      'edit',
    ]);
  });

  it('403 naming the action: viewers cannot create, agents cannot create elsewhere or for others', async () => {
    const before = await fingerprint(t.db);
    const v = expectProblem(await call(t, o.viewer, 'POST', '/api/v1/cases', { subject: 'x', teamId: o.teamA }), 403, 'forbidden');
    expect(v.action).toBe('case.create');
    const foreign = expectProblem(await call(t, o.agent, 'POST', '/api/v1/cases', { subject: 'x', teamId: o.teamB }), 403, 'forbidden');
    expect(foreign.action).toBe('create');
    const other = expectProblem(
      await call(t, o.agent, 'POST', '/api/v1/cases', { subject: 'x', teamId: o.teamA, ownerId: o.agent2.id }),
      403,
      'forbidden',
    );
    expect(other.action).toBe('assign');
    expect(await fingerprint(t.db)).toBe(before);
  });

  it('400 validation_failed with fields for bad input, and nothing is created', async () => {
    const before = await fingerprint(t.db);
    const bad: [unknown, string[]][] = [
      [{ teamId: o.teamA }, ['subject']],
      [{ subject: '', teamId: o.teamA }, ['subject']],
      [{ subject: ' \t ', teamId: o.teamA }, ['subject']],
      [{ subject: 'x', teamId: 'team-a' }, ['teamId']],
      [{ subject: 'x', teamId: o.teamA, type: 'fax' }, ['type']],
      [{ subject: 'x', teamId: o.teamA, priority: 'critical' }, ['priority']],
      [{ subject: 'x', teamId: o.teamA, customer: { email: 'not-an-email' } }, ['customer.email']],
      [{ subject: 42, teamId: o.teamA, ownerId: 7 }, ['subject', 'ownerId']],
      [{ subject: 'x', teamId: UNKNOWN_ID }, ['teamId']],
    ];
    for (const [body, fields] of bad) {
      const p = expectProblem(await call(t, o.admin, 'POST', '/api/v1/cases', body), 400, 'validation_failed');
      expect(p.fields.map((f: { field: string }) => f.field).sort(), JSON.stringify(body)).toEqual(fields.sort());
    }
    const notMember = expectProblem(
      await call(t, o.admin, 'POST', '/api/v1/cases', { subject: 'x', teamId: o.teamA, ownerId: o.agentB.id }),
      400,
      'validation_failed',
    );
    expect(notMember.fields).toEqual([{ field: 'ownerId', message: expect.stringContaining('member') }]);
    expect(await fingerprint(t.db)).toBe(before);
  });

  it('an Idempotency-Key repeat returns the first answer instead of creating twice', async () => {
    const send = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/cases',
        payload: { subject: 'Once', teamId: o.teamA },
        headers: { ...o.agent.headers, 'idempotency-key': 'create-once-1' },
      });
    const first = await send();
    const before = await fingerprint(t.db);
    const second = await send();
    expect(second.statusCode).toBe(201);
    expect(second.json().id).toBe(first.json().id);
    expect(await fingerprint(t.db)).toBe(before);
  });

  it('GET: 200 for a team case, 404 for another team (as for an unknown or malformed id)', async () => {
    const c = (await call(t, o.agent, 'POST', '/api/v1/cases', { subject: 'Visible to A', teamId: o.teamA })).data;
    const got = await call(t, o.viewer, 'GET', `/api/v1/cases/${c.id}`);
    expect(got.statusCode).toBe(200);
    expect({ ...got.data, actions: undefined }).toEqual({ ...c, actions: undefined });
    expect(got.data.actions).toEqual(['follow']);
    const hidden = expectProblem(await call(t, o.agentB, 'GET', `/api/v1/cases/${c.id}`), 404, 'not_found');
    const unknown = expectProblem(await call(t, o.agentB, 'GET', `/api/v1/cases/${UNKNOWN_ID}`), 404, 'not_found');
    expect({ ...hidden, instance: undefined }).toEqual({ ...unknown, instance: undefined });
    expectProblem(await call(t, o.agentB, 'GET', '/api/v1/cases/not-a-uuid'), 404, 'not_found');
    expect((await call(t, o.admin, 'GET', `/api/v1/cases/${c.id.toUpperCase()}`)).data.id).toBe(c.id);
  });

  it('GET: a user of another team sees a case they follow or own, and only then', async () => {
    const c = (await call(t, o.supervisor, 'POST', '/api/v1/cases', { subject: 'Needs Bob', teamId: o.teamA })).data;
    expectProblem(await call(t, o.agentB, 'GET', `/api/v1/cases/${c.id}`), 404, 'not_found');
    const added = await call(t, o.supervisor, 'POST', `/api/v1/cases/${c.id}/collaborators`, { userId: o.agentB.id });
    expect(added.data.collaboratorIds).toEqual([o.agentB.id]);
    const seen = await call(t, o.agentB, 'GET', `/api/v1/cases/${c.id}`);
    expect(seen.statusCode).toBe(200);
    expect(seen.data.actions).toEqual(['unfollow']);
    await call(t, o.supervisor, 'DELETE', `/api/v1/cases/${c.id}/collaborators/${o.agentB.id}`);
    expectProblem(await call(t, o.agentB, 'GET', `/api/v1/cases/${c.id}`), 404, 'not_found');
  });
});
