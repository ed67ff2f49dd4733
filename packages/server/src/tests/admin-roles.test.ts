import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_ROLES, PERMISSIONS } from '@casework/domain';
import { DB_KINDS, call, makeUser, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { expectForbidden, expectInvalid, expectProblem } from './admin-support.ts';

describe.each(DB_KINDS)('roles administration (%s)', (kind) => {
  let t: TestApp;
  let admin: TestUser;
  let agent: TestUser;

  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = await makeUser(t.db, { role: 'admin' });
    agent = await makeUser(t.db, { role: 'agent' });
  });
  afterAll(() => t.close());

  it('answers 401 without credentials on every endpoint', async () => {
    for (const [method, url, body] of [
      ['GET', '/api/v1/permissions'],
      ['GET', '/api/v1/roles'],
      ['POST', '/api/v1/roles', { name: 'X', permissions: [] }],
      ['PATCH', '/api/v1/roles/agent', { name: 'X' }],
      ['DELETE', '/api/v1/roles/agent'],
    ] as const) {
      expectProblem(await call(t, null, method, url, body), 401, 'unauthenticated');
    }
  });

  it('lists the permission catalogue and the roles to any signed-in user', async () => {
    const perms = await call(t, agent, 'GET', '/api/v1/permissions');
    expect(perms.statusCode).toBe(200);
    expect(perms.data.permissions.map((p: { key: string }) => p.key)).toEqual(PERMISSIONS);
    expect(perms.data.permissions).toContainEqual({ key: 'admin.roles', description: 'Manage roles' });
    const roles = await call(t, agent, 'GET', '/api/v1/roles');
    expect(roles.statusCode).toBe(200);
    const agentRole = roles.data.roles.find((r: { id: string }) => r.id === 'agent');
    expect(agentRole).toEqual({
      id: 'agent',
      name: 'Agent',
      permissions: [...BUILT_IN_ROLES.agent.permissions],
      builtIn: true,
      builtin: true,
    });
    expect(roles.data.roles.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining(['admin', 'supervisor', 'agent', 'viewer']));
  });

  it('refuses changes to users without admin.roles, naming the permission', async () => {
    expectForbidden(await call(t, agent, 'POST', '/api/v1/roles', { name: 'Mine', permissions: [] }), 'admin.roles');
    expectForbidden(await call(t, agent, 'PATCH', '/api/v1/roles/agent', { name: 'Mine' }), 'admin.roles');
    expectForbidden(await call(t, agent, 'DELETE', '/api/v1/roles/viewer'), 'admin.roles');
  });

  it('validates bodies', async () => {
    const post = (b: unknown) => call(t, admin, 'POST', '/api/v1/roles', b);
    expectInvalid(await post({ name: 'Night shift', permissions: ['case.view_team', 'case.fly'] }), 'permissions');
    expectInvalid(await post({ name: 'Night shift', permissions: 'case.view_team' }), 'permissions');
    expectInvalid(await post({ name: 'Night shift' }), 'permissions');
    expectInvalid(await post({ name: 'Night shift', permissions: [], builtIn: true }), 'builtIn');
    expectInvalid(await post({ name: '!!!', permissions: [] }), 'name');
    expectInvalid(await post({ name: '', permissions: [] }), 'name');
  });

  it('answers 404 for unknown roles', async () => {
    expectProblem(await call(t, admin, 'PATCH', '/api/v1/roles/wizard', { name: 'X' }), 404, 'not_found');
    expectProblem(await call(t, admin, 'DELETE', '/api/v1/roles/wizard'), 404, 'not_found');
  });

  it('keeps built-in roles read-only', async () => {
    const r = expectProblem(await call(t, admin, 'PATCH', '/api/v1/roles/agent', { permissions: ['case.view_all'] }), 409, 'conflict');
    expect(r.detail).toMatch(/built-in roles are read-only; make a copy/i);
    expectProblem(await call(t, admin, 'DELETE', '/api/v1/roles/viewer'), 409, 'conflict');
    const roles = await call(t, admin, 'GET', '/api/v1/roles');
    expect(roles.data.roles.find((x: { id: string }) => x.id === 'agent').permissions).not.toContain('case.view_all');
  });

  it('creates, edits and deletes a custom role whose permissions take effect', async () => {
    const created = await call(t, admin, 'POST', '/api/v1/roles', {
      name: ' Night Shift ',
      permissions: ['case.view_all', 'case.follow', 'case.follow'],
    });
    expect(created.statusCode).toBe(201);
    expect(created.data).toEqual({
      id: 'night-shift',
      name: 'Night Shift',
      permissions: ['case.view_all', 'case.follow'],
      builtIn: false,
      builtin: false,
    });
    expectProblem(await call(t, admin, 'POST', '/api/v1/roles', { name: 'night shift!', permissions: [] }), 409, 'conflict');
    expectProblem(await call(t, admin, 'POST', '/api/v1/roles', { name: 'Night Shift', permissions: [] }), 409, 'conflict');

    const user = await makeUser(t.db, { role: 'night-shift' });
    expect((await call(t, user, 'GET', '/api/v1/me')).data.permissions).toEqual(['case.follow', 'case.view_all']);

    const patched = await call(t, admin, 'PATCH', '/api/v1/roles/night-shift', {
      name: 'Late shift',
      permissions: ['case.view_team', 'case.claim'],
    });
    expect(patched.data).toEqual({
      id: 'night-shift',
      name: 'Late shift',
      permissions: ['case.view_team', 'case.claim'],
      builtIn: false,
      builtin: false,
    });
    expect((await call(t, user, 'GET', '/api/v1/me')).data.permissions).toEqual(['case.claim', 'case.view_team']);
    expectInvalid(await call(t, admin, 'PATCH', '/api/v1/roles/night-shift', { permissions: ['nope'] }), 'permissions');
    expectProblem(await call(t, admin, 'PATCH', '/api/v1/roles/night-shift', { name: 'Agent' }), 409, 'conflict');

    expectProblem(await call(t, admin, 'DELETE', '/api/v1/roles/night-shift'), 409, 'conflict');
    await call(t, admin, 'PATCH', `/api/v1/users/${user.id}`, { role: 'viewer' });
    expect((await call(t, admin, 'DELETE', '/api/v1/roles/night-shift')).statusCode).toBe(204);
    expect((await call(t, admin, 'GET', '/api/v1/roles')).data.roles.map((r: { id: string }) => r.id)).not.toContain('night-shift');
  });

  it('refuses to take admin.users away from the role of the last administrators', async () => {
    await call(t, admin, 'POST', '/api/v1/roles', { name: 'Boss', permissions: ['admin.users', 'admin.roles'] });
    const boss = await makeUser(t.db, { role: 'boss' });
    await t.db.kysely.updateTable('users').set({ active: false }).where('id', '=', admin.id).execute();
    expectProblem(await call(t, boss, 'PATCH', '/api/v1/roles/boss', { permissions: ['admin.roles'] }), 409, 'conflict');
    await t.db.kysely.updateTable('users').set({ active: true }).where('id', '=', admin.id).execute();
    const ok = await call(t, boss, 'PATCH', '/api/v1/roles/boss', { permissions: ['admin.roles'] });
    expect(ok.data.permissions).toEqual(['admin.roles']);
  });
});
