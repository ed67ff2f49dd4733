import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, makeTeam, makeUser, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { UNKNOWN_ID, expectForbidden, expectInvalid, expectProblem } from './admin-support.ts';

/** Signs in with a password and returns request headers carrying the session cookie. */
async function signIn(t: TestApp, email: string, password: string): Promise<TestUser | null> {
  const r = await call(t, null, 'POST', '/api/v1/auth/login', { email, password });
  if (r.statusCode !== 200) return null;
  const cookie = r.cookies.find((c) => c.name === 'casework_session')!;
  return { id: r.data.id, email, token: '', headers: { cookie: `${cookie.name}=${cookie.value}` } };
}

describe.each(DB_KINDS)('users administration (%s)', (kind) => {
  let t: TestApp;
  let admin: TestUser;
  let agent: TestUser;
  let teamA: string;
  let teamB: string;
  const valid = (over: Record<string, unknown> = {}) => ({
    email: `new-${Math.random().toString(36).slice(2, 8)}@example.test`,
    name: 'New Person',
    password: 'correct horse',
    role: 'agent',
    teamIds: [teamA],
    ...over,
  });

  beforeAll(async () => {
    t = await startTestApp(kind);
    teamA = await makeTeam(t.db, 'Team A');
    teamB = await makeTeam(t.db, 'Team B');
    admin = await makeUser(t.db, { role: 'admin', name: 'Ada Admin' });
    agent = await makeUser(t.db, { role: 'agent', teamIds: [teamA], name: 'Alan Agent' });
  });
  afterAll(() => t.close());

  it('answers 401 without credentials on every endpoint', async () => {
    for (const [method, url, body] of [
      ['GET', '/api/v1/users'],
      ['GET', `/api/v1/users/${agent.id}`],
      ['POST', '/api/v1/users', valid()],
      ['PATCH', `/api/v1/users/${agent.id}`, { name: 'X' }],
    ] as const) {
      expectProblem(await call(t, null, method, url, body), 401, 'unauthenticated');
    }
  });

  it("lets agents read the user list (colleagues' names) but not change it", async () => {
    const list = await call(t, agent, 'GET', '/api/v1/users');
    expect(list.statusCode).toBe(200);
    expect(list.data.users).toContainEqual({
      id: admin.id,
      email: admin.email,
      name: 'Ada Admin',
      role: 'admin',
      timeZone: null,
      teamIds: [],
      active: true,
    });
    const one = await call(t, agent, 'GET', `/api/v1/users/${agent.id}`);
    expect(one.data).toMatchObject({ id: agent.id, role: 'agent', teamIds: [teamA], active: true });
    expectForbidden(await call(t, agent, 'POST', '/api/v1/users', valid()), 'admin.users');
    expectForbidden(await call(t, agent, 'PATCH', `/api/v1/users/${agent.id}`, { role: 'admin' }), 'admin.users');
  });

  it('answers 404 for unknown or malformed ids', async () => {
    expectProblem(await call(t, admin, 'GET', `/api/v1/users/${UNKNOWN_ID}`), 404, 'not_found');
    expectProblem(await call(t, admin, 'GET', '/api/v1/users/bob'), 404, 'not_found');
    expectProblem(await call(t, admin, 'PATCH', `/api/v1/users/${UNKNOWN_ID}`, { name: 'X' }), 404, 'not_found');
    expectProblem(await call(t, admin, 'PATCH', '/api/v1/users/1', { name: 'X' }), 404, 'not_found');
  });

  it('validates new users', async () => {
    const post = (b: unknown) => call(t, admin, 'POST', '/api/v1/users', b);
    expectInvalid(await post(valid({ nickname: 'x' })), 'nickname');
    expectInvalid(await post(valid({ password: 'short' })), 'password');
    expectInvalid(await post(valid({ email: 'not an email' })), 'email');
    expectInvalid(await post(valid({ name: 7 })), 'name');
    expectInvalid(await post(valid({ teamIds: ['x'] })), 'teamIds');
    expectInvalid(await post(valid({ teamIds: [UNKNOWN_ID] })), 'teamIds');
    expectInvalid(await post(valid({ role: 'wizard' })), 'role');
    expectInvalid(await post(valid({ timeZone: 'Mars/Olympus_Mons' })), 'timeZone');
    const { teamIds: _omit, ...noTeams } = valid();
    expectInvalid(await post(noTeams), 'teamIds');
  });

  it('creates a user who can sign in, with a canonical zone and a lowercase email', async () => {
    const r = await call(
      t,
      admin,
      'POST',
      '/api/v1/users',
      valid({ email: 'Grace.Hopper@Example.TEST', name: ' Grace ', timeZone: 'europe/berlin', teamIds: [teamA, teamB] }),
    );
    expect(r.statusCode).toBe(201);
    expect(r.data).toEqual({
      id: expect.any(String),
      email: 'grace.hopper@example.test',
      name: 'Grace',
      role: 'agent',
      timeZone: 'Europe/Berlin',
      teamIds: [teamA, teamB].sort(),
      active: true,
    });
    const session = await signIn(t, 'GRACE.hopper@example.test', 'correct horse');
    expect(session?.id).toBe(r.data.id);
    const me = await call(t, session, 'GET', '/api/v1/me');
    expect(me.data).toMatchObject({ role: 'agent', timeZone: 'Europe/Berlin' });
    expectProblem(await call(t, admin, 'POST', '/api/v1/users', valid({ email: 'grace.HOPPER@example.test' })), 409, 'conflict');
  });

  it('changes a user: name, email, role, zone, teams and password', async () => {
    const u = (await call(t, admin, 'POST', '/api/v1/users', valid({ timeZone: 'Asia/Tokyo' }))).data;
    const r = await call(t, admin, 'PATCH', `/api/v1/users/${u.id}`, {
      name: 'Renamed',
      email: 'Renamed@Example.test',
      role: 'supervisor',
      timeZone: null,
      teamIds: [teamB],
      password: 'a new password',
    });
    expect(r.statusCode).toBe(200);
    expect(r.data).toEqual({
      id: u.id,
      email: 'renamed@example.test',
      name: 'Renamed',
      role: 'supervisor',
      timeZone: null,
      teamIds: [teamB],
      active: true,
    });
    expect(await signIn(t, 'renamed@example.test', 'correct horse')).toBeNull();
    const session = await signIn(t, 'renamed@example.test', 'a new password');
    const me = await call(t, session, 'GET', '/api/v1/me');
    expect(me.data.permissions).toContain('case.view_all');
    expect(me.data.timeZone).toBe('UTC');
  });

  it('validates changes and refuses a taken email with 409', async () => {
    const patch = (b: unknown) => call(t, admin, 'PATCH', `/api/v1/users/${agent.id}`, b);
    expectInvalid(await patch({ active: 'no' }), 'active');
    expectInvalid(await patch({ role: 'wizard' }), 'role');
    expectInvalid(await patch({ timeZone: 'Nowhere' }), 'timeZone');
    expectInvalid(await patch({ teamIds: [UNKNOWN_ID] }), 'teamIds');
    expectInvalid(await patch({ password: '1234567' }), 'password');
    expectInvalid(await patch({ id: UNKNOWN_ID }), 'id');
    expectProblem(await patch({ email: admin.email.toUpperCase() }), 409, 'conflict');
    const still = await call(t, admin, 'GET', `/api/v1/users/${agent.id}`);
    expect(still.data).toMatchObject({ email: agent.email, role: 'agent', teamIds: [teamA] });
  });

  it("deactivating ends the user's sessions and makes their tokens stop working", async () => {
    const u = (await call(t, admin, 'POST', '/api/v1/users', valid({ password: 'let me in please' }))).data;
    const session = await signIn(t, u.email, 'let me in please');
    const minted = await call(t, session, 'POST', '/api/v1/tokens', { name: 'script' });
    expect(minted.statusCode).toBe(201);
    const bearer = { id: u.id, email: u.email, token: minted.data.token, headers: { authorization: `Bearer ${minted.data.token}` } };
    expect((await call(t, bearer, 'GET', '/api/v1/me')).statusCode).toBe(200);

    const r = await call(t, admin, 'PATCH', `/api/v1/users/${u.id}`, { active: false });
    expect(r.data.active).toBe(false);
    expectProblem(await call(t, session, 'GET', '/api/v1/me'), 401, 'unauthenticated');
    expectProblem(await call(t, bearer, 'GET', '/api/v1/me'), 401, 'unauthenticated');
    expect(await signIn(t, u.email, 'let me in please')).toBeNull();

    await call(t, admin, 'PATCH', `/api/v1/users/${u.id}`, { active: true });
    expect((await call(t, bearer, 'GET', '/api/v1/me')).statusCode).toBe(200);
  });

  it('changing your own password signs you out everywhere else, not in the session that changed it', async () => {
    const u = (await call(t, admin, 'POST', '/api/v1/users', valid({ password: 'first password' }))).data;
    const here = (await signIn(t, u.email, 'first password'))!;
    const laptop = (await signIn(t, u.email, 'first password'))!;
    expect((await call(t, laptop, 'GET', '/api/v1/me')).statusCode).toBe(200);
    expectInvalid(await call(t, here, 'PATCH', '/api/v1/me', { password: 'second password', currentPassword: 'wrong' }), 'currentPassword');
    expect((await call(t, laptop, 'GET', '/api/v1/me')).statusCode, 'a refused change ends nothing').toBe(200);
    expect(
      (await call(t, here, 'PATCH', '/api/v1/me', { password: 'second password', currentPassword: 'first password' })).statusCode,
    ).toBe(200);
    expect((await call(t, here, 'GET', '/api/v1/me')).statusCode).toBe(200);
    expect((await call(t, laptop, 'GET', '/api/v1/me')).statusCode).toBe(401);
    expect(await signIn(t, u.email, 'first password')).toBeNull();
    expect(await signIn(t, u.email, 'second password')).not.toBeNull();
  });

  it('never leaves the organisation without an active administrator', async () => {
    expectProblem(await call(t, admin, 'PATCH', `/api/v1/users/${admin.id}`, { active: false }), 409, 'conflict');
    expectProblem(await call(t, admin, 'PATCH', `/api/v1/users/${admin.id}`, { role: 'agent' }), 409, 'conflict');
    expect((await call(t, admin, 'GET', '/api/v1/me')).data.role).toBe('admin');
    const second = (await call(t, admin, 'POST', '/api/v1/users', valid({ role: 'admin' }))).data;
    const demoted = await call(t, admin, 'PATCH', `/api/v1/users/${admin.id}`, { role: 'supervisor' });
    expect(demoted.statusCode).toBe(200);
    expect(demoted.data.role).toBe('supervisor');
    expectForbidden(await call(t, admin, 'POST', '/api/v1/users', valid()), 'admin.users');
    await t.db.kysely.updateTable('users').set({ role_id: 'admin' }).where('id', '=', admin.id).execute();
    await call(t, admin, 'PATCH', `/api/v1/users/${second.id}`, { active: false });
  });
});
