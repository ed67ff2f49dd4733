import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, makeTeam, makeUser, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { http as req, postSigned, startChannelServer, type ChannelServer } from '../test-support/channel-harness.ts';

describe.each(DB_KINDS)('channel administration (%s)', (kind) => {
  let s: ChannelServer;
  let team: string;
  let team2: string;
  let admin: TestUser;
  let supervisor: TestUser;

  beforeAll(async () => {
    s = await startChannelServer(kind);
    team = await makeTeam(s.db, 'Front');
    team2 = await makeTeam(s.db, 'Back');
    admin = await makeUser(s.db, { role: 'admin' });
    supervisor = await makeUser(s.db, { role: 'supervisor', teamIds: [team] });
  });
  afterAll(() => s.close());

  const sms = () => ({
    type: 'sms',
    name: 'SMS line',
    teamId: team,
    settings: { accountSid: 'AC1', phoneNumber: '+15551234', authToken: 'top-secret-token' },
  });

  it('401 without a user, 403 without admin.channels, 400 for bad settings, 404 for unknown ids', async () => {
    expect((await req(s.base, null, 'POST', '/api/v1/channels', sms())).status).toBe(401);
    const f = await req(s.base, supervisor, 'POST', '/api/v1/channels', sms());
    expect(f.status).toBe(403);
    expect(f.data.action).toBe('admin.channels');
    expect((await req(s.base, supervisor, 'GET', '/api/v1/channels')).status).toBe(403);
    const missing = await req(s.base, admin, 'POST', '/api/v1/channels', { ...sms(), settings: { accountSid: 'AC1' } });
    expect(missing.status).toBe(400);
    expect(missing.data.fields.map((x: any) => x.field).sort()).toEqual(['settings.authToken', 'settings.phoneNumber']);
    const unknown = await req(s.base, admin, 'POST', '/api/v1/channels', { ...sms(), settings: { ...sms().settings, colour: 'red' } });
    expect(unknown.status).toBe(400);
    expect((await req(s.base, admin, 'POST', '/api/v1/channels', { ...sms(), type: 'fax' })).status).toBe(400);
    expect(
      (await req(s.base, admin, 'POST', '/api/v1/channels', { ...sms(), teamId: '0190a0a0-0000-7000-8000-000000000000' })).status,
    ).toBe(400);
    expect((await req(s.base, admin, 'GET', '/api/v1/channels/0190a0a0-0000-7000-8000-000000000000')).status).toBe(404);
    expect((await req(s.base, admin, 'GET', '/api/v1/channels/nope')).status).toBe(404);
  });

  it('secrets are write-only: never returned, stored encrypted, kept across PATCH unless replaced', async () => {
    const r = await req(s.base, admin, 'POST', '/api/v1/channels', sms());
    expect(r.status).toBe(201);
    expect(r.data).toMatchObject({
      type: 'sms',
      name: 'SMS line',
      teamId: team,
      publicKey: null,
      address: null,
      active: true,
      settings: { accountSid: 'AC1', phoneNumber: '+15551234', hasAuthToken: true },
      endpoints: { inbound: `/webhooks/sms/${r.data.id}` },
    });
    expect(r.text).not.toContain('top-secret-token');
    const row = await s.db.kysely.selectFrom('channels').selectAll().where('id', '=', r.data.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain('top-secret-token');
    const list = await req(s.base, admin, 'GET', '/api/v1/channels');
    expect(list.text).not.toContain('top-secret-token');
    expect(list.data.channels.map((c: any) => c.id)).toContain(r.data.id);
    const path = `/webhooks/sms/${r.data.id}`;
    const p = await req(s.base, admin, 'PATCH', `/api/v1/channels/${r.data.id}`, {
      name: 'Renamed',
      teamId: team2,
      settings: { phoneNumber: '+15559999' },
    });
    expect(p.status).toBe(200);
    expect(p.data).toMatchObject({ name: 'Renamed', teamId: team2, settings: { phoneNumber: '+15559999', hasAuthToken: true } });
    expect((await postSigned(s.base, path, { MessageSid: 'SMa', From: '+1999' }, 'top-secret-token')).status).toBe(200);
    expect((await req(s.base, admin, 'PATCH', `/api/v1/channels/${r.data.id}`, { settings: { authToken: 'rotated-token' } })).status).toBe(
      200,
    );
    expect((await postSigned(s.base, path, { MessageSid: 'SMb', From: '+1999' }, 'top-secret-token')).status).toBe(403);
    expect((await postSigned(s.base, path, { MessageSid: 'SMb', From: '+1999' }, 'rotated-token')).status).toBe(200);
    const cases = await req(s.base, admin, 'GET', '/api/v1/cases?type=sms');
    expect(cases.data.cases[0].teamId).toBe(team2);
  });

  it('chat channels get a public key, email channels own their address (409 on a duplicate); delete stops a channel', async () => {
    const w = await req(s.base, admin, 'POST', '/api/v1/channels', {
      type: 'web_connect',
      name: 'Site',
      teamId: team,
      settings: { greeting: 'Hi' },
    });
    expect(w.status).toBe(201);
    expect(w.data.publicKey).toMatch(/^pk_/);
    expect(w.data.endpoints.snippet).toBe(`<script src="/widget.js" data-channel="${w.data.publicKey}" async></script>`);
    const e = await req(
      s.base,
      admin,
      'POST',
      '/api/v1/channels',
      { type: 'email', name: 'Mail', teamId: team, settings: { address: 'help@front.test' } },
      { 'idempotency-key': 'k1' },
    );
    expect(e.status).toBe(201);
    expect(e.data.address).toBe('help@front.test');
    const again = await req(
      s.base,
      admin,
      'POST',
      '/api/v1/channels',
      { type: 'email', name: 'Mail', teamId: team, settings: { address: 'help@front.test' } },
      { 'idempotency-key': 'k1' },
    );
    expect(again.data.id).toBe(e.data.id);
    const dup = await req(s.base, admin, 'POST', '/api/v1/channels', {
      type: 'email',
      name: 'Mail 2',
      teamId: team,
      settings: { address: 'HELP@front.test' },
    });
    expect(dup.status).toBe(409);
    expect(dup.data.code).toBe('conflict');
    expect((await req(s.base, admin, 'DELETE', `/api/v1/channels/${w.data.id}`)).status).toBe(204);
    expect((await req(s.base, admin, 'GET', `/api/v1/channels/${w.data.id}`)).status).toBe(404);
    expect((await req(s.base, null, 'GET', `/api/v1/chat/channels/${w.data.publicKey}`)).status).toBe(404);
    expect((await req(s.base, admin, 'DELETE', `/api/v1/channels/${w.data.id}`)).status).toBe(404);
  });
});

describe.each(DB_KINDS)('platform API: idempotency and per-token rate limit (%s)', (kind) => {
  let t: TestApp;
  let team: string;
  let a: TestUser;
  let b: TestUser;

  beforeAll(async () => {
    t = await startTestApp(kind, { config: { rateLimit: 5 } });
    team = await makeTeam(t.db, 'API');
    a = await makeUser(t.db, { role: 'agent', teamIds: [team] });
    b = await makeUser(t.db, { role: 'agent', teamIds: [team] });
  });
  afterAll(() => t.close());

  it('a repeated Idempotency-Key returns the first case; the sixth call in a minute answers 429 with Retry-After', async () => {
    const post = (u: TestUser, key?: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/cases',
        payload: { subject: 'From the API', teamId: team },
        headers: { ...u.headers, 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
      });
    const first = await post(a, 'order-1');
    const repeat = await post(a, 'order-1');
    expect(first.statusCode).toBe(201);
    expect(repeat.statusCode).toBe(201);
    expect(repeat.json().id).toBe(first.json().id);
    expect(first.json().type).toBe('platform');
    for (let i = 0; i < 3; i++) expect((await call(t, a, 'GET', '/api/v1/me')).statusCode).not.toBe(429);
    const limited = await call(t, a, 'GET', '/api/v1/me');
    expect(limited.statusCode).toBe(429);
    expect(limited.data.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await call(t, b, 'GET', '/api/v1/me')).statusCode).toBe(200);
  });
});
