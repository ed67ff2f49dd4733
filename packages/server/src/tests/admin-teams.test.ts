import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, makeTeam, makeUser, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { UNKNOWN_ID, expectForbidden, expectInvalid, expectProblem } from './admin-support.ts';

describe.each(DB_KINDS)('teams administration (%s)', (kind) => {
  let t: TestApp;
  let admin: TestUser;
  let agent: TestUser;
  let existing: string;

  beforeAll(async () => {
    t = await startTestApp(kind);
    existing = await makeTeam(t.db, 'Billing');
    admin = await makeUser(t.db, { role: 'admin' });
    agent = await makeUser(t.db, { role: 'agent', teamIds: [existing] });
  });
  afterAll(() => t.close());

  it('answers 401 without credentials on every endpoint', async () => {
    for (const [method, url, body] of [
      ['GET', '/api/v1/teams'],
      ['GET', `/api/v1/teams/${existing}`],
      ['POST', '/api/v1/teams', { name: 'X' }],
      ['PATCH', `/api/v1/teams/${existing}`, { name: 'X' }],
      ['DELETE', `/api/v1/teams/${existing}`],
    ] as const) {
      expectProblem(await call(t, null, method, url, body), 401, 'unauthenticated');
    }
  });

  it('refuses changes to users without admin.teams, naming the permission', async () => {
    expectForbidden(await call(t, agent, 'POST', '/api/v1/teams', { name: 'Mine' }), 'admin.teams');
    expectForbidden(await call(t, agent, 'PATCH', `/api/v1/teams/${existing}`, { name: 'Mine' }), 'admin.teams');
    expectForbidden(await call(t, agent, 'DELETE', `/api/v1/teams/${existing}`), 'admin.teams');
  });

  it('lets any signed-in user list teams with their members', async () => {
    const r = await call(t, agent, 'GET', '/api/v1/teams');
    expect(r.statusCode).toBe(200);
    expect(r.data.teams).toContainEqual({ id: existing, name: 'Billing', memberIds: [agent.id] });
    const one = await call(t, agent, 'GET', `/api/v1/teams/${existing}`);
    expect(one.data).toEqual({ id: existing, name: 'Billing', memberIds: [agent.id] });
  });

  it('validates bodies', async () => {
    expectInvalid(await call(t, admin, 'POST', '/api/v1/teams', {}), 'name');
    expectInvalid(await call(t, admin, 'POST', '/api/v1/teams', { name: 'Ok', colour: 'red' }), 'colour');
    expectInvalid(await call(t, admin, 'POST', '/api/v1/teams', { name: 42 }), 'name');
    expectInvalid(await call(t, admin, 'POST', '/api/v1/teams', { name: '   ' }), 'name');
    expectInvalid(await call(t, admin, 'PATCH', `/api/v1/teams/${existing}`, { memberIds: ['not-a-uuid'] }), 'memberIds');
    expectInvalid(await call(t, admin, 'PATCH', `/api/v1/teams/${existing}`, { memberIds: [UNKNOWN_ID] }), 'memberIds');
    expectInvalid(await call(t, admin, 'PATCH', `/api/v1/teams/${existing}`, { memberIds: agent.id }), 'memberIds');
    const after = await call(t, admin, 'GET', `/api/v1/teams/${existing}`);
    expect(after.data.memberIds).toEqual([agent.id]);
  });

  it('answers 404 for unknown or malformed ids', async () => {
    expectProblem(await call(t, admin, 'GET', `/api/v1/teams/${UNKNOWN_ID}`), 404, 'not_found');
    expectProblem(await call(t, admin, 'PATCH', `/api/v1/teams/${UNKNOWN_ID}`, { name: 'Nope' }), 404, 'not_found');
    expectProblem(await call(t, admin, 'PATCH', '/api/v1/teams/nope', { name: 'Nope' }), 404, 'not_found');
    expectProblem(await call(t, admin, 'DELETE', `/api/v1/teams/${UNKNOWN_ID}`), 404, 'not_found');
    expectProblem(await call(t, admin, 'DELETE', '/api/v1/teams/123'), 404, 'not_found');
  });

  it('creates, renames, replaces members of and deletes a team', async () => {
    const created = await call(t, admin, 'POST', '/api/v1/teams', { name: '  Escalations ' });
    expect(created.statusCode).toBe(201);
    expect(created.data).toEqual({ id: expect.any(String), name: 'Escalations', memberIds: [] });
    const id = created.data.id;

    const patched = await call(t, admin, 'PATCH', `/api/v1/teams/${id}`, {
      name: 'Tier 2',
      memberIds: [agent.id, admin.id, agent.id.toUpperCase()],
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.data.name).toBe('Tier 2');
    expect([...patched.data.memberIds].sort()).toEqual([admin.id, agent.id].sort());
    const me = await call(t, agent, 'GET', '/api/v1/me');
    expect(me.data.teamIds).toContain(id);

    const replaced = await call(t, admin, 'PATCH', `/api/v1/teams/${id}`, { memberIds: [admin.id] });
    expect(replaced.data).toEqual({ id, name: 'Tier 2', memberIds: [admin.id] });
    expect((await call(t, agent, 'GET', '/api/v1/me')).data.teamIds).not.toContain(id);

    const deleted = await call(t, admin, 'DELETE', `/api/v1/teams/${id}`);
    expect(deleted.statusCode).toBe(204);
    expectProblem(await call(t, admin, 'GET', `/api/v1/teams/${id}`), 404, 'not_found');
  });

  it('refuses duplicate names, ignoring case, with 409 conflict', async () => {
    expectProblem(await call(t, admin, 'POST', '/api/v1/teams', { name: 'billing' }), 409, 'conflict');
    const other = await call(t, admin, 'POST', '/api/v1/teams', { name: 'Sales' });
    expect(other.statusCode).toBe(201);
    expectProblem(await call(t, admin, 'PATCH', `/api/v1/teams/${other.data.id}`, { name: 'BILLING' }), 409, 'conflict');
    expect((await call(t, admin, 'GET', `/api/v1/teams/${other.data.id}`)).data.name).toBe('Sales');
  });

  it('refuses to delete a team that still has cases', async () => {
    const c = await call(t, admin, 'POST', '/api/v1/cases', { subject: 'Invoice wrong', teamId: existing });
    expect(c.statusCode).toBe(201);
    const r = await call(t, admin, 'DELETE', `/api/v1/teams/${existing}`);
    expectProblem(r, 409, 'conflict');
    expect((await call(t, admin, 'GET', `/api/v1/teams/${existing}`)).statusCode).toBe(200);
  });
});
