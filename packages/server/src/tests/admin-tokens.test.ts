import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, makeUser, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { sha256 } from '../ids.ts';
import { UNKNOWN_ID, expectForbidden, expectInvalid, expectProblem } from './admin-support.ts';

const asBearer = (userId: string, token: string): TestUser => ({
  id: userId,
  email: '',
  token,
  headers: { authorization: `Bearer ${token}` },
});

describe.each(DB_KINDS)('API tokens (%s)', (kind) => {
  let t: TestApp;
  let admin: TestUser;
  let agent: TestUser;
  let colleague: TestUser;

  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = await makeUser(t.db, { role: 'admin' });
    agent = await makeUser(t.db, { role: 'agent' });
    colleague = await makeUser(t.db, { role: 'agent' });
  });
  afterAll(() => t.close());

  it('answers 401 without credentials or with a bad token', async () => {
    for (const [method, url, body] of [
      ['GET', '/api/v1/tokens'],
      ['POST', '/api/v1/tokens', { name: 'x' }],
      ['DELETE', `/api/v1/tokens/${UNKNOWN_ID}`],
    ] as const) {
      expectProblem(await call(t, null, method, url, body), 401, 'unauthenticated');
      expectProblem(await call(t, asBearer(agent.id, 'cw_forged'), method, url, body), 401, 'unauthenticated');
    }
  });

  it('lets any user mint a token for themselves, shown once and stored hashed', async () => {
    const r = await call(t, agent, 'POST', '/api/v1/tokens', { name: ' deploy script ' });
    expect(r.statusCode).toBe(201);
    expect(r.data).toEqual({
      id: expect.any(String),
      name: 'deploy script',
      userId: agent.id,
      channelId: null,
      createdAt: expect.any(String),
      token: expect.stringMatching(/^cw_[A-Za-z0-9_-]{20,}$/),
    });
    const row = await t.db.kysely.selectFrom('api_tokens').selectAll().where('id', '=', r.data.id).executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(sha256(r.data.token));
    expect(JSON.stringify(row)).not.toContain(r.data.token);
    const me = await call(t, asBearer(agent.id, r.data.token), 'GET', '/api/v1/me');
    expect(me.data.id).toBe(agent.id);
    const list = await call(t, agent, 'GET', '/api/v1/tokens');
    expect(list.data.tokens.find((x: { id: string }) => x.id === r.data.id)).toEqual({
      id: r.data.id,
      name: 'deploy script',
      userId: agent.id,
      channelId: null,
      createdAt: r.data.createdAt,
      lastUsedAt: expect.toSatisfy((v) => v === null || typeof v === 'string'),
    });
    expect(JSON.stringify(list.data)).not.toContain(r.data.token);
  });

  it('validates bodies', async () => {
    expectInvalid(await call(t, agent, 'POST', '/api/v1/tokens', {}), 'name');
    expectInvalid(await call(t, agent, 'POST', '/api/v1/tokens', { name: 5 }), 'name');
    expectInvalid(await call(t, agent, 'POST', '/api/v1/tokens', { name: 'x', scope: 'all' }), 'scope');
    expectInvalid(await call(t, agent, 'POST', '/api/v1/tokens', { name: 'x', userId: 'bob' }), 'userId');
    expectInvalid(await call(t, admin, 'POST', '/api/v1/tokens', { name: 'x', userId: UNKNOWN_ID }), 'userId');
  });

  it('needs admin.tokens to mint for another user', async () => {
    expectForbidden(await call(t, agent, 'POST', '/api/v1/tokens', { name: 'x', userId: colleague.id }), 'admin.tokens');
    const own = await call(t, agent, 'POST', '/api/v1/tokens', { name: 'own', userId: agent.id });
    expect(own.statusCode).toBe(201);
    const r = await call(t, admin, 'POST', '/api/v1/tokens', { name: 'for colleague', userId: colleague.id.toUpperCase() });
    expect(r.statusCode).toBe(201);
    expect(r.data.userId).toBe(colleague.id);
    expect((await call(t, asBearer(colleague.id, r.data.token), 'GET', '/api/v1/me')).data.id).toBe(colleague.id);
  });

  it("lists one's own tokens, or everyone's with admin.tokens", async () => {
    const mine = await call(t, colleague, 'GET', '/api/v1/tokens');
    expect(mine.statusCode).toBe(200);
    expect(mine.data.tokens.length).toBeGreaterThan(0);
    expect(mine.data.tokens.every((x: { userId: string }) => x.userId === colleague.id)).toBe(true);
    const all = await call(t, admin, 'GET', '/api/v1/tokens');
    expect(new Set(all.data.tokens.map((x: { userId: string }) => x.userId))).toEqual(new Set([admin.id, agent.id, colleague.id]));
  });

  it("revokes own tokens (others' are 404 without admin.tokens); a revoked token gets 401", async () => {
    const a = (await call(t, agent, 'POST', '/api/v1/tokens', { name: 'to revoke' })).data;
    const b = (await call(t, colleague, 'POST', '/api/v1/tokens', { name: "colleague's" })).data;
    expectProblem(await call(t, agent, 'DELETE', `/api/v1/tokens/${b.id}`), 404, 'not_found');
    expectProblem(await call(t, agent, 'DELETE', '/api/v1/tokens/xyz'), 404, 'not_found');
    expectProblem(await call(t, agent, 'DELETE', `/api/v1/tokens/${UNKNOWN_ID}`), 404, 'not_found');

    expect((await call(t, agent, 'DELETE', `/api/v1/tokens/${a.id}`)).statusCode).toBe(204);
    expectProblem(await call(t, asBearer(agent.id, a.token), 'GET', '/api/v1/me'), 401, 'unauthenticated');
    expectProblem(await call(t, agent, 'DELETE', `/api/v1/tokens/${a.id}`), 404, 'not_found');
    const row = await t.db.kysely.selectFrom('api_tokens').select('revoked_at').where('id', '=', a.id).executeTakeFirstOrThrow();
    expect(row.revoked_at).not.toBeNull();
    expect((await call(t, agent, 'GET', '/api/v1/tokens')).data.tokens.map((x: { id: string }) => x.id)).not.toContain(a.id);

    expect((await call(t, admin, 'DELETE', `/api/v1/tokens/${b.id}`)).statusCode).toBe(204);
    expectProblem(await call(t, asBearer(colleague.id, b.token), 'GET', '/api/v1/me'), 401, 'unauthenticated');
  });

  it("a deactivated user's token gets 401, and they cannot be given new ones", async () => {
    const u = await makeUser(t.db, { role: 'agent' });
    expect((await call(t, u, 'GET', '/api/v1/me')).statusCode).toBe(200);
    expect((await call(t, admin, 'PATCH', `/api/v1/users/${u.id}`, { active: false })).statusCode).toBe(200);
    expectProblem(await call(t, u, 'GET', '/api/v1/me'), 401, 'unauthenticated');
    expectProblem(await call(t, u, 'POST', '/api/v1/tokens', { name: 'again' }), 401, 'unauthenticated');
    expectInvalid(await call(t, admin, 'POST', '/api/v1/tokens', { name: 'for them', userId: u.id }), 'userId');
  });
});
