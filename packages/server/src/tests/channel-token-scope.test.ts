import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, makeTeam, makeUser, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { UNKNOWN_ID } from '../test-support/case-fixtures.ts';
import { routePermissions } from '../http/auth-hook.ts';
import { sha256 } from '../ids.ts';

/**
 * The only routes a channel-scoped token may call: its channel's cases. Every other signed-in
 * route refuses it, so a new route is closed to scoped tokens unless it says otherwise.
 */
const CHANNEL_ROUTES = `
DELETE /api/v1/cases/:id/follow
GET /api/v1/attachments/:id
GET /api/v1/cases
GET /api/v1/cases/:id
GET /api/v1/cases/:id/attachments/:attachmentId
GET /api/v1/cases/:id/channel
GET /api/v1/cases/:id/events
GET /api/v1/cases/:id/messages
GET /api/v1/me
POST /api/v1/cases
POST /api/v1/cases/:id/follow
POST /api/v1/cases/:id/messages
POST /api/v1/cases/:id/messages/:messageId/retry
POST /api/v1/uploads
`
  .trim()
  .split('\n');

const refusedAsChannelToken = (r: { statusCode: number; headers: Record<string, unknown>; data: any }) => [
  r.statusCode,
  String(r.headers['content-type']).split(';')[0],
  r.data?.code,
  r.data?.action,
];
const REFUSED = [403, 'application/problem+json', 'forbidden', 'channel_token'];

const bearer = (token: string): TestUser => ({ id: '', email: '', token, headers: { authorization: `Bearer ${token}` } });

describe.each(DB_KINDS)('API tokens scoped to a channel (%s)', (kind) => {
  let t: TestApp;
  let admin: TestUser;
  let agent: TestUser;
  let care: string;
  let billing: string;
  let channelId: string;
  let scoped: TestUser;
  let tokenId: string;

  beforeAll(async () => {
    t = await startTestApp(kind);
    care = await makeTeam(t.db, 'Care');
    billing = await makeTeam(t.db, 'Billing');
    admin = await makeUser(t.db, { role: 'admin', teamIds: [care, billing] });
    agent = await makeUser(t.db, { role: 'agent', teamIds: [care] });
    const ch = await call(t, admin, 'POST', '/api/v1/channels', {
      type: 'email',
      name: 'Care mail',
      teamId: care,
      settings: { address: 'care@shop.test' },
    });
    expect(ch.statusCode).toBe(201);
    channelId = ch.data.id;
    const minted = await call(t, admin, 'POST', '/api/v1/tokens', { name: 'Shop integration', channelId });
    expect(minted.statusCode).toBe(201);
    expect(minted.data.channelId).toBe(channelId);
    scoped = bearer(minted.data.token);
    tokenId = minted.data.id;
  });
  afterAll(() => t.close());

  it('only channel or token administrators mint channel tokens, for channels that exist', async () => {
    const refused = await call(t, agent, 'POST', '/api/v1/tokens', { name: 'mine', channelId });
    expect(refused.statusCode).toBe(403);
    expect(refused.data.action).toBe('admin.tokens');
    const unknown = await call(t, admin, 'POST', '/api/v1/tokens', { name: 'x', channelId: '0190a0a0-0000-7000-8000-000000000000' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.data.fields[0].field).toBe('channelId');
    const listed = await call(t, admin, 'GET', '/api/v1/tokens');
    expect(listed.data.tokens.find((x: { id: string }) => x.id === tokenId).channelId).toBe(channelId);
  });

  it("creates its channel's cases on its team, linked to the channel for replies", async () => {
    const r = await call(t, scoped, 'POST', '/api/v1/cases', {
      subject: 'Order 1234 late',
      teamId: care,
      customer: { email: 'ann@buyer.test' },
    });
    expect(r.statusCode).toBe(201);
    expect(r.data).toMatchObject({ type: 'email', teamId: care, status: 'new' });
    const link = await t.db.kysely
      .selectFrom('case_channels')
      .select(['channel_id', 'customer_address'])
      .where('case_id', '=', r.data.id)
      .executeTakeFirst();
    expect(link).toEqual({ channel_id: channelId, customer_address: 'ann@buyer.test' });
    const otherTeam = await call(t, scoped, 'POST', '/api/v1/cases', { subject: 'x', teamId: billing });
    expect(otherTeam.statusCode).toBe(403);
    const otherType = await call(t, scoped, 'POST', '/api/v1/cases', { subject: 'x', teamId: care, type: 'sms' });
    expect(otherType.statusCode).toBe(400);
    expect(otherType.data.fields[0].field).toBe('type');
  });

  it("acts only within its channel's team, whatever its user may do", async () => {
    const billingCase = await call(t, admin, 'POST', '/api/v1/cases', { subject: 'Invoice', teamId: billing });
    expect((await call(t, scoped, 'GET', `/api/v1/cases/${billingCase.data.id}`)).statusCode).toBe(404);
    const list = await call(t, scoped, 'GET', '/api/v1/cases');
    expect(list.data.cases.every((c: { teamId: string }) => c.teamId === care)).toBe(true);
    const me = await call(t, scoped, 'GET', '/api/v1/me');
    expect(me.data.permissions).toEqual(['case.create', 'case.follow', 'case.message.team', 'case.view_team']);
    expect(me.data.teamIds).toEqual([care]);
    expect((await call(t, scoped, 'POST', '/api/v1/teams', { name: 'Nope' })).statusCode).toBe(403);
  });

  it('cannot rename its owner, change their time zone or password, or sign out their sessions', async () => {
    const session = sha256(`session-${kind}`);
    const now = new Date();
    await t.db.kysely
      .insertInto('sessions')
      .values({ id: session, user_id: admin.id, created_at: now, expires_at: new Date(now.getTime() + 86_400_000), last_seen_at: now })
      .execute();
    const before = await t.db.kysely
      .selectFrom('users')
      .select(['name', 'time_zone', 'password_hash'])
      .where('id', '=', admin.id)
      .executeTakeFirstOrThrow();
    for (const body of [{ name: 'Hijacked' }, { timeZone: 'Pacific/Kiritimati' }, { password: 'new-password-1', currentPassword: 'x' }]) {
      expect(refusedAsChannelToken(await call(t, scoped, 'PATCH', '/api/v1/me', body)), JSON.stringify(body)).toEqual(REFUSED);
    }
    expect(
      await t.db.kysely
        .selectFrom('users')
        .select(['name', 'time_zone', 'password_hash'])
        .where('id', '=', admin.id)
        .executeTakeFirstOrThrow(),
    ).toEqual(before);
    expect(await t.db.kysely.selectFrom('sessions').select('id').where('id', '=', session).executeTakeFirst()).toEqual({ id: session });
    expect(refusedAsChannelToken(await call(t, scoped, 'PUT', '/api/v1/me/preferences', {}))).toEqual(REFUSED);
    expect(refusedAsChannelToken(await call(t, scoped, 'GET', '/api/v1/me/preferences'))).toEqual(REFUSED);
  });

  it("cannot list staff or read a colleague's profile", async () => {
    const users = await call(t, scoped, 'GET', '/api/v1/users');
    expect(refusedAsChannelToken(users)).toEqual(REFUSED);
    expect(users.body).not.toContain(agent.email);
    expect(refusedAsChannelToken(await call(t, scoped, 'GET', `/api/v1/users/${agent.id}`))).toEqual(REFUSED);
    expect(refusedAsChannelToken(await call(t, scoped, 'GET', '/api/v1/teams'))).toEqual(REFUSED);
    // Its owner, with an unscoped credential, still can.
    expect((await call(t, admin, 'GET', '/api/v1/users')).statusCode).toBe(200);
  });

  it('every signed-in route refuses it unless the route serves the channel (default deny)', async () => {
    const table = routePermissions(t.app).filter((r) => r.method !== 'HEAD');
    expect(
      table
        .filter((r) => r.channelToken)
        .map((r) => `${r.method} ${r.url}`)
        .sort(),
    ).toEqual(CHANNEL_ROUTES);
    const closed = table.filter((r) => r.permission !== 'public' && !r.channelToken);
    expect(closed.length).toBeGreaterThan(40);
    for (const r of closed) {
      const url = r.url.replace(/:[A-Za-z]+/g, UNKNOWN_ID).replace('*', 'x');
      const res = await call(t, scoped, r.method, url, r.method === 'GET' || r.method === 'DELETE' ? undefined : {});
      expect(refusedAsChannelToken(res), `${r.method} ${r.url}`).toEqual(REFUSED);
    }
    // The same routes still work for an unscoped token of the same user.
    expect((await call(t, admin, 'GET', '/api/v1/me/preferences')).statusCode).toBe(200);
  });

  it('stops working when its channel is deleted', async () => {
    expect((await call(t, admin, 'DELETE', `/api/v1/channels/${channelId}`)).statusCode).toBe(204);
    expect((await call(t, scoped, 'GET', '/api/v1/me')).statusCode).toBe(401);
  });
});
