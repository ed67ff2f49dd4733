import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, makeTeam, makeUser, type TestUser } from '../test-support/harness.ts';
import { eventually, http as req, postSigned, startChannelServer, type ChannelServer } from '../test-support/channel-harness.ts';
import { twilioSignature } from '../channels/sms/twilio-signature.ts';

type Sent = { path: string; auth: string | undefined; form: URLSearchParams };

/** A stand-in for the SMS provider's REST API on loopback; fails the first `failFirst` calls. */
function providerStub(failFirst = 0): Promise<{ url: string; sent: Sent[]; close(): Promise<void> }> {
  const sent: Sent[] = [];
  let calls = 0;
  const server = http.createServer((rq, rs) => {
    let body = '';
    rq.on('data', (c) => {
      body += c;
    });
    rq.on('end', () => {
      calls++;
      if (calls <= failFirst) {
        rs.writeHead(503).end('{"message":"try later"}');
        return;
      }
      sent.push({ path: rq.url ?? '', auth: rq.headers.authorization, form: new URLSearchParams(body) });
      rs.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sid: `SM${calls}` }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        sent,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      }),
    ),
  );
}

describe.each(DB_KINDS)('SMS and voice channels (%s)', (kind) => {
  let s: ChannelServer;
  let stub: Awaited<ReturnType<typeof providerStub>>;
  let team: string;
  let otherTeam: string;
  let admin: TestUser;
  let agent: TestUser;
  let outsider: TestUser;
  let sms: { id: string };
  let phone: { id: string };
  const TOKEN = 'sms-secret-token';
  const VOICE_TOKEN = 'voice-secret-token';

  beforeAll(async () => {
    s = await startChannelServer(kind);
    stub = await providerStub(1);
    team = await makeTeam(s.db, 'Phones');
    otherTeam = await makeTeam(s.db, 'Elsewhere');
    admin = await makeUser(s.db, { role: 'admin' });
    agent = await makeUser(s.db, { role: 'agent', teamIds: [team], timeZone: 'Europe/Berlin' });
    outsider = await makeUser(s.db, { role: 'agent', teamIds: [otherTeam] });
    const a = await req(s.base, admin, 'POST', '/api/v1/channels', {
      type: 'sms',
      name: 'SMS',
      teamId: team,
      settings: { accountSid: 'AC123', phoneNumber: '+15550000', authToken: TOKEN, apiBaseUrl: stub.url },
    });
    expect(a.status).toBe(201);
    sms = a.data;
    const b = await req(s.base, admin, 'POST', '/api/v1/channels', {
      type: 'phone',
      name: 'Hotline',
      teamId: team,
      settings: { authToken: VOICE_TOKEN, greeting: 'Hello & welcome' },
    });
    expect(b.status).toBe(201);
    phone = b.data;
  });
  afterAll(async () => {
    await s.close();
    await stub.close();
  });

  const smsPath = () => `/webhooks/sms/${sms.id}`;
  const casesOf = async (q: string) => (await req(s.base, admin, 'GET', `/api/v1/cases?${q}`)).data.cases as any[];

  it('refuses unsigned, forged and wrongly keyed SMS webhooks with 403 and creates nothing', async () => {
    const params = { MessageSid: 'SMforged', From: '+491700000001', To: '+15550000', Body: 'hi' };
    expect((await postSigned(s.base, smsPath(), params, null)).status).toBe(403);
    expect((await postSigned(s.base, smsPath(), params, null, 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=')).status).toBe(403);
    expect((await postSigned(s.base, smsPath(), params, 'not-the-token')).status).toBe(403);
    const tampered = twilioSignature(TOKEN, `${s.base}${smsPath()}`, { ...params, Body: 'other' });
    expect((await postSigned(s.base, smsPath(), params, null, tampered)).status).toBe(403);
    expect((await postSigned(s.base, `/webhooks/sms/${phone.id}`, params, TOKEN)).status).toBe(404);
    expect(await casesOf('type=sms')).toHaveLength(0);
  });

  it('a signed SMS creates an sms case on the channel team (new, unowned); a duplicate delivery adds nothing', async () => {
    const params = { MessageSid: 'SM0001', From: '+491700000001', To: '+15550000', Body: 'My order has not arrived' };
    const r = await postSigned(s.base, smsPath(), params, TOKEN);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/xml/);
    expect(r.text).toContain('<Response/>');
    expect((await postSigned(s.base, smsPath(), params, TOKEN)).status).toBe(200);
    const cases = await casesOf('type=sms');
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ type: 'sms', teamId: team, status: 'new', ownerId: null, customer: { phone: '+491700000001' } });
    const msgs = await req(s.base, admin, 'GET', `/api/v1/cases/${cases[0].id}/messages`);
    expect(msgs.data.messages).toHaveLength(1);
    expect(msgs.data.messages[0]).toMatchObject({ direction: 'inbound', channel: 'sms', body: 'My order has not arrived' });
    expect((await req(s.base, outsider, 'GET', `/api/v1/cases/${cases[0].id}`)).status).toBe(404);
  });

  it('the next SMS from the same sender continues the case; agent replies go out through the provider (retried), notes never', async () => {
    await postSigned(s.base, smsPath(), { MessageSid: 'SM0002', From: '+491700000001', To: '+15550000', Body: 'Any news?' }, TOKEN);
    const [c] = await casesOf('type=sms');
    expect((await req(s.base, admin, 'GET', `/api/v1/cases/${c.id}/messages`)).data.messages).toHaveLength(2);
    expect((await req(s.base, agent, 'POST', `/api/v1/cases/${c.id}/claim`)).status).toBe(200);
    expect((await req(s.base, agent, 'POST', `/api/v1/cases/${c.id}/messages`, { body: 'internal only', internal: true })).status).toBe(
      201,
    );
    expect((await req(s.base, agent, 'POST', `/api/v1/cases/${c.id}/messages`, { body: 'It ships today.' })).status).toBe(201);
    const sent = await eventually(async () => stub.sent.length > 0 && stub.sent, 'the SMS reply');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.path).toBe('/2010-04-01/Accounts/AC123/Messages.json');
    expect(sent[0]!.auth).toBe(`Basic ${Buffer.from(`AC123:${TOKEN}`).toString('base64')}`);
    expect(Object.fromEntries(sent[0]!.form)).toEqual({ To: '+491700000001', From: '+15550000', Body: 'It ships today.' });
    const row = await eventually(async () => {
      const r = await s.db.kysely.selectFrom('outbound_messages').selectAll().where('case_id', '=', c.id).executeTakeFirstOrThrow();
      return r.status === 'sent' && r;
    }, 'the delivery marked sent');
    expect(row).toMatchObject({ status: 'sent', attempts: 2, provider_id: 'SM2' });
    const info = await req(s.base, agent, 'GET', `/api/v1/cases/${c.id}/channel`);
    expect(info.data).toMatchObject({ channel: { id: sms.id, type: 'sms' }, customerAddress: '+491700000001' });
    expect(info.data.deliveries).toEqual([expect.objectContaining({ status: 'sent', attempts: 2, lastError: null })]);
  });

  it('a message on a waiting case wakes it; on a resolved case reopens it; on a closed case starts a linked follow-up', async () => {
    const [c] = await casesOf('type=sms');
    expect((await req(s.base, agent, 'POST', `/api/v1/cases/${c.id}/wait`, {})).status).toBe(200);
    await postSigned(s.base, smsPath(), { MessageSid: 'SM0003', From: '+491700000001', Body: 'hello?' }, TOKEN);
    expect((await req(s.base, admin, 'GET', `/api/v1/cases/${c.id}`)).data.status).toBe('ready');
    expect((await req(s.base, agent, 'POST', `/api/v1/cases/${c.id}/resolve`, { resolution: 'completed' })).status).toBe(200);
    await postSigned(s.base, smsPath(), { MessageSid: 'SM0004', From: '+491700000001', Body: 'not fixed' }, TOKEN);
    expect((await req(s.base, admin, 'GET', `/api/v1/cases/${c.id}`)).data.status).toBe('ready');
    await s.db.kysely
      .updateTable('cases')
      .set({ status: 'closed', resolution: 'completed', resolved_at: new Date() })
      .where('id', '=', c.id)
      .execute();
    await postSigned(s.base, smsPath(), { MessageSid: 'SM0005', From: '+491700000001', Body: 'me again' }, TOKEN);
    const all = await casesOf('type=sms');
    expect(all).toHaveLength(2);
    const follow = all.find((x) => x.id !== c.id)!;
    expect(follow).toMatchObject({ followUpOf: c.id, status: 'new', ownerId: null, teamId: team, customer: { id: c.customer.id } });
    expect((await req(s.base, admin, 'GET', `/api/v1/cases/${c.id}`)).data.status).toBe('closed');
    await postSigned(s.base, smsPath(), { MessageSid: 'SM0006', From: '+491700000001', Body: 'and more' }, TOKEN);
    expect((await req(s.base, admin, 'GET', `/api/v1/cases/${follow.id}/messages`)).data.messages.map((m: any) => m.body)).toEqual([
      'me again',
      'and more',
    ]);
  });

  it('a signed call creates a phone case and answers TwiML; status callbacks note duration and recording', async () => {
    const path = `/webhooks/voice/${phone.id}`;
    const params = { CallSid: 'CA0001', From: '+491700000009', To: '+15550001', CallStatus: 'ringing' };
    expect((await postSigned(s.base, path, params, null)).status).toBe(403);
    expect((await postSigned(s.base, path, params, 'wrong')).status).toBe(403);
    const r = await postSigned(s.base, path, params, VOICE_TOKEN);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/xml/);
    expect(r.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Say>Hello &amp; welcome</Say></Response>');
    expect((await postSigned(s.base, path, params, VOICE_TOKEN)).status).toBe(200);
    const cases = await casesOf('type=phone');
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ type: 'phone', teamId: team, status: 'new', customer: { phone: '+491700000009' } });
    const status = { CallSid: 'CA0001', CallStatus: 'completed', CallDuration: '42', RecordingUrl: 'https://recordings.example/RE1' };
    expect((await postSigned(s.base, `${path}/status`, status, null)).status).toBe(403);
    expect((await postSigned(s.base, `${path}/status`, status, VOICE_TOKEN)).status).toBe(200);
    expect((await postSigned(s.base, `${path}/status`, status, VOICE_TOKEN)).status).toBe(200);
    const msgs = (await req(s.base, admin, 'GET', `/api/v1/cases/${cases[0].id}/messages`)).data.messages;
    expect(msgs).toHaveLength(2);
    expect(msgs[1]).toMatchObject({
      internal: true,
      direction: 'note',
      body: 'Call completed · duration 42 s · recording: https://recordings.example/RE1.',
    });
  });

  it("new channel cases land in the channel team's Next Unassigned by type rank (phone before sms today)", async () => {
    await postSigned(s.base, smsPath(), { MessageSid: 'SM0100', From: '+491700000077', Body: 'new sms' }, TOKEN);
    const work = await req(s.base, agent, 'GET', '/api/v1/me/work');
    expect(work.status).toBe(200);
    expect(work.data.next.case).toMatchObject({ type: 'phone', teamId: team, status: 'new' });
    const other = await req(s.base, outsider, 'GET', '/api/v1/me/work');
    expect(other.data.next).toBeNull();
  });
});
