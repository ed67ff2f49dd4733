import nodemailer, { type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, makeTeam, makeUser, type TestUser } from '../test-support/harness.ts';
import { fingerprint } from '../test-support/case-fixtures.ts';
import { eventually, http as req, postSigned, startChannelServer, type ChannelServer } from '../test-support/channel-harness.ts';
import { cleanText } from '../channels/clean-text.ts';

const NUL = '\u0000';
const LONE = '\uD800';

/** SPEC §15 "Text input": NUL and invalid UTF-8 never cause a 5xx; the API refuses them, inbound channels strip them. */
describe.each(DB_KINDS)('NUL characters and invalid UTF-8 (%s)', (kind) => {
  let s: ChannelServer;
  let team: string;
  let admin: TestUser;
  let agent: TestUser;
  let caseId: string;
  let web: { publicKey: string };
  let sms: { id: string };
  let mailer: Transporter;
  const SMS_TOKEN = 'sms-secret';

  beforeAll(async () => {
    s = await startChannelServer(kind);
    team = await makeTeam(s.db, 'Care');
    admin = await makeUser(s.db, { role: 'admin', teamIds: [team] });
    agent = await makeUser(s.db, { role: 'agent', teamIds: [team] });
    caseId = (await req(s.base, agent, 'POST', '/api/v1/cases', { subject: 'Printer', teamId: team })).data.id;
    web = (await req(s.base, admin, 'POST', '/api/v1/channels', { type: 'web_connect', name: 'Chat', teamId: team, settings: {} })).data;
    sms = (
      await req(s.base, admin, 'POST', '/api/v1/channels', {
        type: 'sms',
        name: 'SMS',
        teamId: team,
        settings: { accountSid: 'AC1', phoneNumber: '+15550000', authToken: SMS_TOKEN },
      })
    ).data;
    expect(
      (
        await req(s.base, admin, 'POST', '/api/v1/channels', {
          type: 'email',
          name: 'Mail',
          teamId: team,
          settings: { address: 'help@acme.test' },
        })
      ).status,
    ).toBe(201);
    mailer = nodemailer.createTransport({ host: '127.0.0.1', port: s.smtpPort, secure: false, ignoreTLS: true });
  });
  afterAll(async () => {
    mailer.close();
    await s.close();
  });

  /** A raw request over the socket: any bytes in the path, query or body. */
  const raw = async (user: TestUser | null, method: string, path: string, body?: string | Buffer) => {
    const res = await fetch(`${s.base}${path}`, {
      method,
      body: typeof body === 'string' || body === undefined ? body : new Uint8Array(body),
      headers: { ...(user?.headers ?? {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      data: (() => {
        try {
          return JSON.parse(text);
        } catch {
          return text;
        }
      })(),
    };
  };

  // A JSON text with the bad character written as a JSON escape (as a client sends it).
  const json = (o: unknown) =>
    JSON.stringify(o)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the test writes NUL as a JSON escape
      .replace(/\u0000/g, '\\u0000')
      .replace(/[\uD800-\uDFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);

  /** The API kinds of input: each answers 400 problem+json naming the field, and changes nothing. */
  const API_INPUTS: [string, TestUser | 'agent' | 'admin' | null, string, string, unknown, string][] = [
    ['login email (unauthenticated)', null, 'POST', '/api/v1/auth/login', { email: `a${NUL}@b.test`, password: 'x' }, 'email'],
    [
      'login password, a lone surrogate',
      null,
      'POST',
      '/api/v1/auth/login',
      { email: 'a@b.test', password: `pass${LONE}word` },
      'password',
    ],
    [
      'chat start (unauthenticated)',
      null,
      'POST',
      '/api/v1/chat/sessions',
      { channelKey: 'KEY', name: `Ann${NUL}`, email: 'ann@cust.test', message: 'Hi' },
      'name',
    ],
    ['demo page query', null, 'GET', `/demo/chat?key=%00`, undefined, 'query.key'],
    ['chat channel path parameter', null, 'GET', '/api/v1/chat/channels/pk%00x', undefined, 'params.key'],
    ['case subject', 'agent', 'POST', '/api/v1/cases', { subject: `Broken${NUL}`, teamId: 'TEAM' }, 'subject'],
    [
      'nested customer name, a lone low surrogate',
      'agent',
      'POST',
      '/api/v1/cases',
      { subject: 'x', teamId: 'TEAM', customer: { name: `Ann\uDC00` } },
      'customer.name',
    ],
    ['an object key', 'agent', 'POST', '/api/v1/cases', { subject: 'x', teamId: 'TEAM', [`sub${NUL}ject`]: 'y' }, 'sub?ject'],
    ['agent reply', 'agent', 'POST', '/api/v1/cases/CASE/messages', { body: `Hello${NUL}there` }, 'body'],
    ['list search query', 'agent', 'GET', '/api/v1/cases?q=%00', undefined, 'query.q'],
    ['case path parameter', 'agent', 'GET', '/api/v1/cases/%00', undefined, 'params.id'],
    ['own profile name', 'agent', 'PATCH', '/api/v1/me', { name: `Me${NUL}` }, 'name'],
    ['team name (admin)', 'admin', 'POST', '/api/v1/teams', { name: `Team${NUL}` }, 'name'],
  ];

  it.each(API_INPUTS)('%s: 400 problem+json naming the field, nothing changed', async (_what, who, method, path, body, field) => {
    const user = who === 'agent' ? agent : who === 'admin' ? admin : who;
    const fill = (x: string) => x.replace('KEY', web.publicKey).replace('TEAM', team).replace('CASE', caseId);
    const before = await fingerprint(s.db);
    const r = await raw(user, method, fill(path), body === undefined ? undefined : fill(json(body)));
    expect([r.status, r.type.split(';')[0], r.data.code]).toEqual([400, 'application/problem+json', 'validation_failed']);
    expect(r.data.fields).toEqual([{ field, message: 'must not contain NUL characters or invalid UTF-8' }]);
    expect(await fingerprint(s.db)).toBe(before);
  });

  it('invalid UTF-8 bytes in a JSON body: 400 naming the body, not silently replaced', async () => {
    const before = await fingerprint(s.db);
    const body = Buffer.concat([Buffer.from(`{"subject":"caf`), Buffer.from([0xc3, 0x28]), Buffer.from(`","teamId":"${team}"}`)]);
    const r = await raw(agent, 'POST', '/api/v1/cases', body);
    expect([r.status, r.data.code, r.data.fields]).toEqual([
      400,
      'validation_failed',
      [{ field: 'body', message: 'must not contain NUL characters or invalid UTF-8' }],
    ]);
    expect(await fingerprint(s.db)).toBe(before);
  });

  it('a customer chat message with NUL and a lone surrogate is kept, stripped', async () => {
    const start = await req(s.base, null, 'POST', '/api/v1/chat/sessions', {
      channelKey: web.publicKey,
      name: 'Ann',
      email: 'ann@cust.test',
      message: 'Hello',
    });
    expect(start.status).toBe(201);
    const sent = await raw(
      null,
      'POST',
      `/api/v1/chat/sessions/${start.data.id}/messages?token=${start.data.token}`,
      json({ body: `Order${NUL} 12${LONE}34`, clientMessageId: `m${NUL}1` }),
    );
    expect([sent.status, sent.data.body]).toEqual([201, 'Order 1234']);
    const msgs = (await req(s.base, agent, 'GET', `/api/v1/cases/${start.data.caseId}/messages`)).data.messages;
    expect(msgs.map((m: { body: string }) => m.body)).toEqual(['Hello', 'Order 1234']);
  });

  it('an SMS with a NUL is accepted (200) and its text kept, stripped', async () => {
    const params = { MessageSid: 'SM-nul', From: '+491700000009', To: '+15550000', Body: `Where is${NUL} my parcel${NUL}?` };
    const r = await postSigned(s.base, `/webhooks/sms/${sms.id}`, params, SMS_TOKEN);
    expect(r.status).toBe(200);
    const [c] = (await req(s.base, admin, 'GET', '/api/v1/cases?type=sms')).data.cases;
    const msgs = (await req(s.base, admin, 'GET', `/api/v1/cases/${c.id}/messages`)).data.messages;
    expect(msgs.map((m: { body: string }) => m.body)).toEqual(['Where is my parcel?']);
  });

  it('an email with NUL characters is accepted (SMTP 250, no temporary failure) and its text kept, stripped', async () => {
    const info = await mailer.sendMail({
      from: `Bo <bo@cust.test>`,
      to: 'help@acme.test',
      subject: `Refund${NUL} please`,
      text: `My order${NUL} 77 never came.`,
      messageId: '<nul-1@cust.test>',
    });
    expect(info.response).toMatch(/^250/);
    const c = await eventually(async () => (await req(s.base, admin, 'GET', '/api/v1/cases?type=email')).data.cases[0], 'the email case');
    expect(c.subject).toBe('Refund please');
    const msgs = (await req(s.base, admin, 'GET', `/api/v1/cases/${c.id}/messages`)).data.messages;
    expect(msgs.map((m: { body: string }) => m.body)).toEqual(['My order 77 never came.']);
  });

  it('cleanText strips NUL and lone surrogates and keeps proper surrogate pairs', () => {
    expect(cleanText(`a${NUL}b\uD800c\uDC00d😀`)).toBe('abcd😀');
  });
});
