import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, makeTeam, makeUser, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { expectProblem } from '../test-support/case-fixtures.ts';
import { openSse } from '../test-support/sse-client.ts';
import { readConfig } from '../config.ts';
import { readChannelOptions } from '../channels/config.ts';
import { twilioSignature } from '../channels/sms/twilio-signature.ts';
import { deliverDueWebhooks } from '../channels/outbound/webhooks.ts';

// SPEC §8–§9 pinned through the public API: a renamed path, field or code breaks a test here.
const CASE_FIELDS = [
  'id',
  'reference',
  'subject',
  'type',
  'status',
  'resolution',
  'teamId',
  'ownerId',
  'collaboratorIds',
  'customer',
  'createdAt',
  'updatedAt',
  'resolvedAt',
  'wakeAt',
  'actions',
  'followUpOf',
  'rating',
];
const PUBLIC_URL = 'https://help.example.test';
const keysOf = (o: object) => Object.keys(o);
/** SPEC §9 in our own words: HMAC-SHA1 (base64) over the full URL, then each sorted POST name and value. */
const signTwilio = (token: string, url: string, p: Record<string, string>) =>
  createHmac('sha1', token)
    .update(
      url +
        Object.keys(p)
          .sort()
          .map((k) => k + p[k])
          .join(''),
    )
    .digest('base64');

describe('SPEC §8 configuration names', () => {
  it('reads PORT, HOST, CASEWORK_DATA_DIR, DATABASE_URL, CASEWORK_ADMIN_*, CASEWORK_DEMO, CASEWORK_PUBLIC_URL', () => {
    expect(readConfig({})).toMatchObject({ port: 3000, dataDir: './data', databaseUrl: null, demo: false, publicUrl: null });
    expect(
      readConfig({
        PORT: '4100',
        HOST: '0.0.0.0',
        CASEWORK_DATA_DIR: '/var/cw',
        DATABASE_URL: 'postgres://db/cw',
        CASEWORK_ADMIN_EMAIL: 'a@b.test',
        CASEWORK_ADMIN_PASSWORD: 'secret-123',
        CASEWORK_DEMO: '1',
        CASEWORK_PUBLIC_URL: PUBLIC_URL,
      }),
    ).toMatchObject({
      port: 4100,
      host: '0.0.0.0',
      dataDir: '/var/cw',
      databaseUrl: 'postgres://db/cw',
      adminEmail: 'a@b.test',
      adminPassword: 'secret-123',
      demo: true,
      publicUrl: PUBLIC_URL,
    });
    const pkg = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../../../package.json'), 'utf8'));
    expect(pkg.scripts.start).toMatch(/serve --demo/);
  });

  it('reads CASEWORK_SMTP_PORT (default 2525, 0 disables) and CASEWORK_SMTP_URL', () => {
    expect(readChannelOptions({}, '127.0.0.1')).toMatchObject({ smtp: { port: 2525, host: '127.0.0.1' }, smtpUrl: null });
    expect(readChannelOptions({ CASEWORK_SMTP_PORT: '0', CASEWORK_SMTP_URL: 'smtp://127.0.0.1:2526' }, 'h')).toMatchObject({
      smtp: null,
      smtpUrl: 'smtp://127.0.0.1:2526',
    });
  });

  it('signs provider webhooks exactly as Twilio documents (published test vector)', () => {
    const params = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };
    expect(twilioSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', params)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });
});

describe.each(DB_KINDS)('SPEC §8–§9 stable interface (%s)', (kind) => {
  let t: TestApp;
  let team: string;
  let admin: TestUser;
  let agent: TestUser;
  let rival: TestUser;

  beforeAll(async () => {
    t = await startTestApp(kind, { config: { publicUrl: PUBLIC_URL, loginRateLimit: 3 } });
    team = await makeTeam(t.db, 'Contract');
    admin = await makeUser(t.db, { role: 'admin', teamIds: [team] });
    agent = await makeUser(t.db, { role: 'agent', teamIds: [team] });
    rival = await makeUser(t.db, { role: 'agent', teamIds: [team] });
  });
  afterAll(() => t.close());

  const newCase = async (extra: Record<string, unknown> = {}) => {
    const r = await call(t, admin, 'POST', '/api/v1/cases', { subject: 'Contract case', teamId: team, ...extra });
    expect(r.statusCode).toBe(201);
    return r.data;
  };

  it('users, teams, login, /me, logout and tokens', async () => {
    const teamRes = await call(t, admin, 'POST', '/api/v1/teams', { name: 'Contract two' });
    expect(teamRes.data).toMatchObject({ id: expect.any(String), name: 'Contract two' });
    const user = await call(t, admin, 'POST', '/api/v1/users', {
      email: 'pat@contract.test',
      name: 'Pat',
      password: 'pat-password',
      role: 'agent',
      timeZone: 'Europe/Berlin',
      teamIds: [team],
    });
    expect(user.data).toMatchObject({ id: expect.any(String), email: 'pat@contract.test', role: 'agent', teamIds: [team] });
    expectProblem(
      await call(t, null, 'POST', '/api/v1/auth/login', { email: 'pat@contract.test', password: 'wrong-one' }),
      401,
      'unauthenticated',
    );
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'pat@contract.test', password: 'pat-password' },
    });
    expect(login.statusCode).toBe(200);
    const cookie = login.cookies[0]!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    const session = { cookie: `${cookie.name}=${cookie.value}` };
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: session });
    expect(me.json()).toMatchObject({
      id: user.data.id,
      email: 'pat@contract.test',
      name: 'Pat',
      role: 'agent',
      timeZone: 'Europe/Berlin',
      teamIds: [team],
    });
    expect(me.json().permissions).toContain('case.claim');
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: session })).statusCode).toBeLessThan(300);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: session })).statusCode).toBe(401);
    const own = await call(t, agent, 'POST', '/api/v1/tokens', { name: 'script' });
    expect(own.data).toMatchObject({ id: expect.any(String), token: expect.any(String) });
    const forPat = await call(t, admin, 'POST', '/api/v1/tokens', { name: 'for pat', userId: user.data.id });
    const asPat = await call(t, { ...agent, headers: { authorization: `Bearer ${forPat.data.token}` } }, 'GET', '/api/v1/me');
    expect(asPat.data.id).toBe(user.data.id);
  });

  it('cases: create, get, list with every §8 query name', async () => {
    const c = await newCase({ type: 'email', description: 'Details', customer: { name: 'Cy', email: 'cy@x.test', phone: '+4930' } });
    expect(keysOf(c)).toEqual(expect.arrayContaining(CASE_FIELDS));
    expect(c).toMatchObject({
      type: 'email',
      status: 'new',
      resolution: null,
      ownerId: null,
      collaboratorIds: [],
      customer: { name: 'Cy', email: 'cy@x.test', phone: '+4930' },
    });
    const got = await call(t, agent, 'GET', `/api/v1/cases/${c.id}`);
    expect(keysOf(got.data)).toEqual(expect.arrayContaining(CASE_FIELDS));
    expect(got.data.actions).toContain('claim');
    const q = `status=new&teamId=${team}&ownerId=none&type=email&following=false&q=Contract&createdFrom=2000-01-01&createdTo=2999-01-01&sort=updated&limit=1`;
    const list = await call(t, agent, 'GET', `/api/v1/cases?${q}`);
    expect(keysOf(list.data).sort()).toEqual(['cases', 'nextCursor', 'total', 'totalCapped']);
    expect(list.data.cases).toHaveLength(1);
    await newCase({ type: 'email' });
    const first = await call(t, agent, 'GET', `/api/v1/cases?${q}`);
    expect(first.data.total).toBe(2);
    const page2 = await call(t, agent, 'GET', `/api/v1/cases?${q}&cursor=${first.data.nextCursor}`);
    expect(page2.data.cases.map((x: { id: string }) => x.id)).not.toContain(first.data.cases[0].id);
    const repeat = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/cases',
        headers: { ...agent.headers, 'content-type': 'application/json', 'idempotency-key': 'contract-1' },
        payload: { subject: 'Once', teamId: team },
      });
    expect((await repeat()).json().id).toBe((await repeat()).json().id);
  });

  it('claim: 200, then 409 already_claimed naming the owner; claim-next: 200, then 404 queue_empty', async () => {
    const c = await newCase();
    expect((await call(t, agent, 'POST', `/api/v1/cases/${c.id}/claim`)).data).toMatchObject({
      id: c.id,
      ownerId: agent.id,
      status: 'ready',
    });
    expect(expectProblem(await call(t, rival, 'POST', `/api/v1/cases/${c.id}/claim`), 409, 'already_claimed').ownerId).toBe(agent.id);
    await newCase({ type: 'sms' });
    for (;;) {
      const r = await call(t, rival, 'POST', '/api/v1/me/work/claim-next');
      if (r.statusCode === 404) {
        expectProblem(r, 404, 'queue_empty');
        break;
      }
      expect(r.data.ownerId).toBe(rival.id);
    }
  });

  it('My Work: shape, section order, one section page, preferences', async () => {
    await newCase({ type: 'web_connect' });
    expect((await call(t, agent, 'PUT', '/api/v1/me/preferences', { collapsedSections: ['waiting'] })).data).toEqual({
      collapsedSections: ['waiting'],
    });
    const w = (await call(t, agent, 'GET', '/api/v1/me/work')).data;
    expect(w).toMatchObject({
      next: { case: expect.objectContaining({ type: 'web_connect' }), reason: expect.any(String) },
      unassignedCount: expect.any(Number),
    });
    expect(w.sections.map((s: { key: string }) => s.key)).toEqual(['active_chats', 'ready', 'waiting', 'solved_today', 'following']);
    for (const s of w.sections)
      expect(keysOf(s)).toEqual(expect.arrayContaining(['key', 'title', 'count', 'collapsed', 'cases', 'nextCursor']));
    expect(w.sections.find((s: { key: string }) => s.key === 'waiting').collapsed).toBe(true);
    const page = (await call(t, agent, 'GET', '/api/v1/me/work/sections/ready')).data;
    expect(keysOf(page).sort()).toEqual(['cases', 'count', 'key', 'nextCursor']);
  });

  it('case actions, messages and events with their §8 bodies and shapes', async () => {
    const c = await newCase();
    const id = c.id;
    const post = (p: string, body?: unknown) => call(t, admin, 'POST', `/api/v1/cases/${id}/${p}`, body);
    expect((await post('assign', { ownerId: agent.id })).data.ownerId).toBe(agent.id);
    expect((await post('assign', { ownerId: null })).data).toMatchObject({ ownerId: null, status: 'ready' });
    expect((await post('wait', { wakeAt: '2999-01-01T00:00:00.000Z' })).data).toMatchObject({
      status: 'waiting',
      wakeAt: '2999-01-01T00:00:00.000Z',
    });
    expect((await post('wake')).data.status).toBe('ready');
    expect((await post('resolve', { resolution: 'completed', note: 'Done' })).data).toMatchObject({
      status: 'resolved',
      resolution: 'completed',
      resolvedAt: expect.any(String),
    });
    expect((await post('reopen')).data.status).toBe('new');
    expect((await call(t, agent, 'POST', `/api/v1/cases/${id}/follow`)).data.collaboratorIds).toEqual([agent.id]);
    expect((await call(t, agent, 'DELETE', `/api/v1/cases/${id}/follow`)).data.collaboratorIds).toEqual([]);
    expect((await post('messages', { body: 'Hello', internal: false })).statusCode).toBe(201);
    expect((await post('messages', { body: 'Psst', internal: true })).statusCode).toBe(201);
    const msgs = (await call(t, agent, 'GET', `/api/v1/cases/${id}/messages`)).data;
    expect(keysOf(msgs).sort()).toEqual(['messages', 'nextCursor']);
    expect(msgs.messages.map((m: { direction: string; internal: boolean }) => [m.direction, m.internal])).toEqual([
      ['note', true],
      ['outbound', false],
      ['note', true],
    ]);
    expect(keysOf(msgs.messages[1]).sort()).toEqual([
      'attachments',
      'auth',
      'authorId',
      'automatic',
      'bcc',
      'body',
      'cc',
      'channel',
      'createdAt',
      'delivery',
      'direction',
      'from',
      'id',
      'internal',
    ]);
    expect(msgs.messages[1].attachments).toEqual([]);
    // §15: every outbound message carries its delivery (this case has no channel: it failed at once, with the reason).
    expect(keysOf(msgs.messages[1].delivery).sort()).toEqual(['at', 'attempts', 'lastError', 'state']);
    expect(msgs.messages[0].delivery).toBeNull();
    const ev = (await call(t, agent, 'GET', `/api/v1/cases/${id}/events`)).data;
    expect(keysOf(ev).sort()).toEqual(['events', 'nextCursor']);
    expect(keysOf(ev.events[0]).sort()).toEqual(['actorId', 'createdAt', 'data', 'id', 'type']);
    expect(ev.events[0].type).toBe('case.created');
  });

  it('import keeps the given times and answers {ids}', async () => {
    const r = await call(t, admin, 'POST', '/api/v1/import/cases', {
      cases: [
        {
          subject: 'Old',
          type: 'email',
          teamId: team,
          status: 'resolved',
          ownerId: agent.id,
          createdAt: '2020-01-01T00:00:00.000Z',
          resolvedAt: '2020-01-02T00:00:00.000Z',
          collaboratorIds: [rival.id],
          customer: { email: 'old@x.test' },
        },
      ],
    });
    expect(keysOf(r.data)).toEqual(['ids']);
    expect((await call(t, admin, 'GET', `/api/v1/cases/${r.data.ids[0]}`)).data).toMatchObject({
      createdAt: '2020-01-01T00:00:00.000Z',
      resolvedAt: '2020-01-02T00:00:00.000Z',
      status: 'resolved',
    });
  });

  it('organisation settings; problem codes with action and fields', async () => {
    const org = (await call(t, agent, 'GET', '/api/v1/organisation')).data;
    expect(keysOf(org).sort()).toEqual([
      'auditRetentionDays',
      'autoCloseDays',
      'managedTags',
      'maxAttachmentBytes',
      'maxOpenPerUser',
      'name',
      'slaGuard',
      'spamRetentionDays',
      'timeZone',
      'twoFactorRequired',
    ]); // §8, §10's managedTags, §12's slaGuard, §13's attachment cap and spam retention, §14's twoFactorRequired and audit retention
    expect(expectProblem(await call(t, agent, 'PATCH', '/api/v1/organisation', { maxOpenPerUser: 1 }), 403, 'forbidden').action).toEqual(
      expect.any(String),
    );
    expect((await call(t, admin, 'PATCH', '/api/v1/organisation', { maxOpenPerUser: 1 })).data.maxOpenPerUser).toBe(1);
    const free = await newCase();
    const other = await makeUser(t.db, { role: 'agent', teamIds: [team] });
    await call(t, other, 'POST', `/api/v1/cases/${(await newCase()).id}/claim`);
    expectProblem(await call(t, other, 'POST', `/api/v1/cases/${free.id}/claim`), 409, 'capacity_reached');
    await call(t, admin, 'PATCH', '/api/v1/organisation', { maxOpenPerUser: null });
    const bad = expectProblem(await call(t, admin, 'POST', '/api/v1/cases', { teamId: team }), 400, 'validation_failed');
    expect(bad.fields).toEqual([{ field: 'subject', message: expect.any(String) }]);
    expectProblem(await call(t, null, 'GET', '/api/v1/cases'), 401, 'unauthenticated');
    expectProblem(await call(t, agent, 'GET', '/api/v1/cases/01890000-0000-7000-8000-000000000000'), 404, 'not_found');
    expect(
      expectProblem(await call(t, agent, 'POST', `/api/v1/cases/${free.id}/resolve`, { resolution: 'completed' }), 403, 'forbidden').action,
    ).toBe('resolve');
    expectProblem(await call(t, admin, 'POST', `/api/v1/cases/${free.id}/reopen`), 409, 'transition_not_allowed');
    expectProblem(await call(t, admin, 'POST', '/api/v1/teams', { name: 'Contract' }), 409, 'conflict');
    let last: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 4; i++) last = await call(t, null, 'POST', '/api/v1/auth/login', { email: 'nobody@contract.test', password: 'x' });
    expectProblem(last!, 429, 'rate_limited');
    expect(last!.headers['retry-after']).toBeDefined();
  });

  it('system endpoints, OpenAPI and the live event stream', async () => {
    for (const p of ['/healthz', '/readyz', '/metrics']) expect((await call(t, null, 'GET', p)).statusCode).toBe(200);
    expect((await call(t, null, 'GET', '/api/v1/openapi.json')).data.openapi).toBe('3.1.0');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const s = openSse(`http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/api/v1/events`, agent.headers);
    try {
      expect(await s.status).toBe(200);
      await s.next((e) => e.event === 'ready', 'ready');
    } finally {
      s.close();
    }
  });

  it('§9 channels: configure (secrets write-only), SMS and voice webhooks with the Twilio signature', async () => {
    const ch = await call(t, admin, 'POST', '/api/v1/channels', {
      type: 'sms',
      name: 'Texts',
      teamId: team,
      settings: { accountSid: 'AC9', phoneNumber: '+1555', authToken: 'sms-token-9' },
    });
    expect(ch.data).toMatchObject({ id: expect.any(String), type: 'sms', teamId: team });
    expect(JSON.stringify((await call(t, admin, 'GET', `/api/v1/channels/${ch.data.id}`)).data)).not.toContain('sms-token-9');
    const url = `/webhooks/sms/${ch.data.id}`;
    const form = { MessageSid: 'SMc1', From: '+4917011', To: '+1555', Body: 'Hi there' };
    const send = (sig: string | null) =>
      t.app.inject({
        method: 'POST',
        url,
        payload: new URLSearchParams(form).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(sig ? { 'x-twilio-signature': sig } : {}) },
      });
    expect((await send(null)).statusCode).toBe(403);
    expect((await send(signTwilio('wrong', PUBLIC_URL + url, form))).statusCode).toBe(403);
    const ok = await send(signTwilio('sms-token-9', PUBLIC_URL + url, form));
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('<Response/>');
    const phone = await call(t, admin, 'POST', '/api/v1/channels', {
      type: 'phone',
      name: 'Line',
      teamId: team,
      settings: { authToken: 'voice-token-9' },
    });
    const vurl = `/webhooks/voice/${phone.data.id}`;
    const call1 = { CallSid: 'CAc1', From: '+4917022', To: '+1555', CallStatus: 'ringing' };
    const voice = await t.app.inject({
      method: 'POST',
      url: vurl,
      payload: new URLSearchParams(call1).toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signTwilio('voice-token-9', PUBLIC_URL + vurl, call1),
      },
    });
    expect(voice.statusCode).toBe(200);
    expect(voice.body).toContain('<Response>');
    for (const [from, type] of [
      ['+4917011', 'sms'],
      ['+4917022', 'phone'],
    ]) {
      const found = await call(t, admin, 'GET', `/api/v1/cases?type=${type}&q=${encodeURIComponent(from!)}`);
      expect(found.data.total).toBe(1);
    }
  });

  it('§9 outbound webhooks: body {id, type, createdAt, data}, X-Casework-Signature sha256=<hex HMAC>, deliveries log', async () => {
    const got: { headers: http.IncomingHttpHeaders; body: string }[] = [];
    const receiver = http.createServer((rq, rs) => {
      let b = '';
      rq.on('data', (c) => {
        b += c;
      });
      rq.on('end', () => {
        got.push({ headers: rq.headers, body: b });
        rs.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    try {
      const hook = await call(t, admin, 'POST', '/api/v1/webhooks', {
        url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/in`,
        events: ['case.created'],
        secret: 'hook-secret-1',
      });
      expect(hook.statusCode).toBe(201);
      const c = await newCase();
      await deliverDueWebhooks(t.deps, readChannelOptions({}, '127.0.0.1', { smtp: null }));
      const mine = got.find((g) => JSON.parse(g.body).data.caseId === c.id)!;
      expect(mine.headers['x-casework-signature']).toBe(`sha256=${createHmac('sha256', 'hook-secret-1').update(mine.body).digest('hex')}`);
      expect(JSON.parse(mine.body)).toMatchObject({
        id: expect.any(String),
        type: 'case.created',
        createdAt: expect.any(String),
        data: expect.any(Object),
      });
      const log = await call(t, admin, 'GET', `/api/v1/webhooks/${hook.data.id}/deliveries`);
      expect(log.data.deliveries.some((d: { caseId: string; status: string }) => d.caseId === c.id && d.status === 'delivered')).toBe(true);
    } finally {
      await new Promise<void>((r) => {
        receiver.closeAllConnections();
        receiver.close(() => r());
      });
    }
  });
});
