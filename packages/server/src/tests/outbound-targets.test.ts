import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nodemailer, { type Transporter } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, LOOPBACK_ALLOW, makeTeam, makeUser, type TestUser } from '../test-support/harness.ts';
import { eventually, http as req, postSigned, startChannelServer, type ChannelServer } from '../test-support/channel-harness.ts';
import { outboundDns, targetProblem, TARGET_NOT_ALLOWED } from '../channels/outbound/target-guard.ts';
import { guardedSmtpSocket } from '../channels/email/send-email.ts';
import { readConfig } from '../config.ts';

/** Internal addresses in the spellings an attacker would try; each refused unless allowed. */
const REFUSED = [
  'http://127.0.0.1:8080/hook',
  'http://127.1/',
  'http://2130706433/',
  'http://0x7f000001/',
  'http://0177.0.0.1/',
  'http://0.0.0.0/',
  'http://0/',
  'http://[::1]/',
  'http://[::]/',
  'http://[::ffff:127.0.0.1]/',
  'http://[::ffff:a9fe:a9fe]/',
  'http://169.254.169.254/latest/meta-data/',
  'http://10.0.0.5/',
  'http://172.16.3.4/',
  'http://192.168.1.1/',
  'http://100.64.0.1/',
  'http://[fe80::1]/',
  'http://[fc00::1]/',
  'http://224.0.0.1/',
  'http://255.255.255.255/',
  'http://192.0.2.1/',
  'http://[64:ff9b::7f00:1]/',
  'http://[2002:7f00:1::]/',
  'http://localhost:3000/',
  'https://LOCALHOST./',
  'smtp://2130706433:25',
  'smtps://[::1]:465',
  'smtp://10.1.2.3',
];
const PUBLIC = ['http://93.184.216.34/hook', 'https://[2606:4700:4700::1111]/', 'smtp://198.51.99.1:587'];

describe('outbound target rules', () => {
  it.each(REFUSED)('refuses %s', async (url) => {
    expect(await targetProblem(url, [])).toMatch(/CASEWORK_OUTBOUND_ALLOW/);
  });
  it.each(PUBLIC)('accepts the public %s', async (url) => {
    expect(await targetProblem(url, [])).toBeNull();
  });
  it('an allowed range, address or host name lets exactly those through', async () => {
    expect(await targetProblem('http://127.0.0.1:8080/', ['127.0.0.0/8'])).toBeNull();
    expect(await targetProblem('http://2130706433/', ['127.0.0.0/8'])).toBeNull();
    expect(await targetProblem('http://[::ffff:127.0.0.1]/', ['127.0.0.0/8'])).toBeNull();
    expect(await targetProblem('http://[::1]/', ['::1'])).toBeNull();
    expect(await targetProblem('http://localhost/', ['localhost'])).toBeNull();
    expect(await targetProblem('http://10.0.0.5/', ['10.0.0.0/24'])).toBeNull();
    expect(await targetProblem('http://10.0.1.5/', ['10.0.0.0/24'])).not.toBeNull();
    expect(await targetProblem('http://169.254.169.254/', ['127.0.0.0/8', '::1'])).not.toBeNull();
  });
  it('CASEWORK_OUTBOUND_ALLOW: read as a list, the demo allows loopback by default, a bad entry stops start-up', () => {
    expect(readConfig({ CASEWORK_OUTBOUND_ALLOW: ' 127.0.0.0/8, ::1 ,relay.internal' }).outboundAllow).toEqual([
      '127.0.0.0/8',
      '::1',
      'relay.internal',
    ]);
    expect(readConfig({}).outboundAllow).toEqual([]);
    expect(readConfig({ CASEWORK_DEMO: '1' }).outboundAllow).toEqual(['127.0.0.0/8', '::1']);
    expect(readConfig({}, { demo: true }).outboundAllow).toEqual(['127.0.0.0/8', '::1']);
    expect(readConfig({ CASEWORK_DEMO: '1', CASEWORK_OUTBOUND_ALLOW: '' }).outboundAllow).toEqual([]);
    expect(() => readConfig({ CASEWORK_OUTBOUND_ALLOW: '10.0.0.0/99' })).toThrow(/CASEWORK_OUTBOUND_ALLOW/);
  });
});

type Receiver = { url: string; port: number; hits: number; close(): Promise<void> };

/** A loopback HTTP receiver answering `status` (with `location` for redirects). */
function receiver(status = 204, location?: string): Promise<Receiver> {
  const server = http.createServer((rq, rs) => {
    rq.resume();
    rq.on('end', () => {
      r.hits++;
      rs.writeHead(status, location ? { location } : { 'content-type': 'application/json' }).end(status === 201 ? '{"sid":"SM1"}' : '');
    });
  });
  const r: Receiver = {
    url: '',
    port: 0,
    hits: 0,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      r.port = (server.address() as AddressInfo).port;
      r.url = `http://127.0.0.1:${r.port}/hook`;
      resolve(r);
    }),
  );
}

/** A loopback SMTP relay counting the mails it accepts. */
async function relayStub(): Promise<{ url: string; mails: number; close(): Promise<void> }> {
  const relay = { url: '', mails: 0, close: async () => {} };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _s, cb) {
      stream.resume();
      stream.on('end', () => {
        relay.mails++;
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  relay.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  relay.close = () => new Promise<void>((r) => server.close(() => r()));
  return relay;
}

describe.each(DB_KINDS)('outbound targets through the API and at delivery (%s)', (kind) => {
  let s: ChannelServer;
  let team: string;
  let admin: TestUser;
  let agent: TestUser;
  const realResolve = outboundDns.resolve;
  /** What this server may reach; the tests change it (it is read at every check). */
  const allowOnly = (entries: string[]) => {
    s.deps.config.outboundAllow = entries;
  };

  beforeAll(async () => {
    s = await startChannelServer(kind);
    team = await makeTeam(s.db, 'Outbound');
    admin = await makeUser(s.db, { role: 'admin', teamIds: [team] });
    agent = await makeUser(s.db, { role: 'agent', teamIds: [team] });
  });
  afterAll(() => s.close());
  afterEach(() => {
    outboundDns.resolve = realResolve;
    allowOnly(LOOPBACK_ALLOW);
  });

  const countRows = async (table: 'webhooks' | 'channels') =>
    Number(
      (
        await s.db.kysely
          .selectFrom(table)
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const deliveriesOf = (webhookId: string) =>
    s.db.kysely.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId).execute();
  const hook = (url: string) => req(s.base, admin, 'POST', '/api/v1/webhooks', { url, events: ['case.created'], secret: 'whsec-outbound' });

  it('on save: webhook URLs, SMS provider URLs and SMTP relays at internal addresses get 400 with a clear message; nothing is stored', async () => {
    allowOnly([]);
    const before = [await countRows('webhooks'), await countRows('channels')];
    for (const url of REFUSED.filter((u) => u.startsWith('http'))) {
      const r = await hook(url);
      expect(r.status, url).toBe(400);
      expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(r.data.fields, url).toEqual([{ field: 'url', message: expect.stringContaining('CASEWORK_OUTBOUND_ALLOW') }]);
    }
    const sms = await req(s.base, admin, 'POST', '/api/v1/channels', {
      type: 'sms',
      name: 'SMS',
      teamId: team,
      settings: { accountSid: 'AC1', phoneNumber: '+15550001', authToken: 'tok-123456', apiBaseUrl: 'http://169.254.169.254' },
    });
    expect(sms.status).toBe(400);
    expect(sms.data.fields).toEqual([{ field: 'settings.apiBaseUrl', message: expect.stringContaining('internal address') }]);
    const mail = await req(s.base, admin, 'POST', '/api/v1/channels', {
      type: 'email',
      name: 'Mail',
      teamId: team,
      settings: { address: 'help@outbound.test', smtpUrl: 'smtp://2130706433:25' },
    });
    expect(mail.status).toBe(400);
    expect(mail.data.fields).toEqual([{ field: 'settings.smtpUrl', message: expect.stringContaining('internal address') }]);
    expect([await countRows('webhooks'), await countRows('channels')]).toEqual(before);

    allowOnly(LOOPBACK_ALLOW);
    const ok = await hook('http://127.0.0.1:9/hook');
    expect(ok.status).toBe(201);
    allowOnly([]);
    const patched = await req(s.base, admin, 'PATCH', `/api/v1/webhooks/${ok.data.id}`, { url: 'http://[::1]:9/hook' });
    expect(patched.status).toBe(400);
    expect((await req(s.base, admin, 'PATCH', `/api/v1/webhooks/${ok.data.id}`, { active: false })).status).toBe(200); // other fields still change
    const mailOk = await req(s.base, admin, 'POST', '/api/v1/channels', {
      type: 'email',
      name: 'Mail',
      teamId: team,
      settings: { address: 'help2@outbound.test' },
    });
    expect(mailOk.status).toBe(201);
    expect(
      (await req(s.base, admin, 'PATCH', `/api/v1/channels/${mailOk.data.id}`, { settings: { smtpUrl: 'smtp://[::1]:25' } })).status,
    ).toBe(400);
    await req(s.base, admin, 'DELETE', `/api/v1/channels/${mailOk.data.id}`);
    await req(s.base, admin, 'DELETE', `/api/v1/webhooks/${ok.data.id}`);
  });

  it('allowed when listed: a webhook to a loopback receiver is saved and delivered', async () => {
    const rcv = await receiver();
    try {
      allowOnly(['127.0.0.1/32']);
      const h = await hook(rcv.url);
      expect(h.status).toBe(201);
      expect((await req(s.base, agent, 'POST', '/api/v1/cases', { subject: 'Allowed target', teamId: team })).status).toBe(201);
      await eventually(async () => rcv.hits > 0, 'the delivery');
      await eventually(async () => (await deliveriesOf(h.data.id)).some((d) => d.status === 'delivered'), 'delivered');
      await req(s.base, admin, 'DELETE', `/api/v1/webhooks/${h.data.id}`);
    } finally {
      await rcv.close();
    }
  });

  it('a host name that resolved to a public address when saved and to 127.0.0.1 at delivery is refused at connection time', async () => {
    const rcv = await receiver();
    try {
      allowOnly([]);
      let answer = '93.184.216.34';
      outboundDns.resolve = async (host) => (host === 'hooks.rebind.test' ? [answer] : realResolve(host));
      const h = await hook(`http://hooks.rebind.test:${rcv.port}/hook`);
      expect(h.status).toBe(201);
      answer = '127.0.0.1';
      expect((await req(s.base, agent, 'POST', '/api/v1/cases', { subject: 'Rebinding', teamId: team })).status).toBe(201);
      const [d] = await eventually(async () => {
        const ds = await deliveriesOf(h.data.id);
        return ds[0]?.last_error ? ds : null;
      }, 'a failed attempt');
      expect(d!.last_error).toBe(TARGET_NOT_ALLOWED); // not a connection error: nothing tells what answers there
      expect(d!.response_status).toBeNull();
      expect(rcv.hits).toBe(0);
      const log = await req(s.base, admin, 'GET', `/api/v1/webhooks/${h.data.id}/deliveries`);
      expect(log.data.deliveries[0]).toMatchObject({ lastError: TARGET_NOT_ALLOWED, responseStatus: null });
      await req(s.base, admin, 'DELETE', `/api/v1/webhooks/${h.data.id}`);
    } finally {
      await rcv.close();
    }
  });

  it('the connection goes to the address that was checked: one resolution per delivery, no second lookup', async () => {
    const rcv = await receiver();
    try {
      allowOnly(['127.0.0.1']);
      let lookups = 0;
      outboundDns.resolve = async (host) => {
        if (host !== 'pinned.internal.test') return realResolve(host);
        lookups++;
        return ['127.0.0.1'];
      };
      const h = await hook(`http://pinned.internal.test:${rcv.port}/hook`); // only our resolver knows this name
      expect(h.status).toBe(201);
      lookups = 0;
      expect((await req(s.base, agent, 'POST', '/api/v1/cases', { subject: 'Pinned', teamId: team })).status).toBe(201);
      await eventually(async () => (await deliveriesOf(h.data.id)).some((d) => d.status === 'delivered'), 'delivered');
      expect(rcv.hits).toBe(1);
      expect(lookups).toBe(1);
      await req(s.base, admin, 'DELETE', `/api/v1/webhooks/${h.data.id}`);
    } finally {
      await rcv.close();
    }
  });

  it('a redirect is not followed: the 302 is the answer and its target never hears from us', async () => {
    const inner = await receiver();
    const outer = await receiver(302, inner.url);
    try {
      const h = await hook(outer.url);
      expect(h.status).toBe(201);
      expect((await req(s.base, agent, 'POST', '/api/v1/cases', { subject: 'Redirected', teamId: team })).status).toBe(201);
      const [d] = await eventually(async () => {
        const ds = await deliveriesOf(h.data.id);
        return ds[0]?.response_status ? ds : null;
      }, 'an attempt');
      expect(d).toMatchObject({ response_status: 302, last_error: 'HTTP 302' });
      expect(outer.hits).toBeGreaterThan(0);
      expect(inner.hits).toBe(0);
      await req(s.base, admin, 'DELETE', `/api/v1/webhooks/${h.data.id}`);
    } finally {
      await outer.close();
      await inner.close();
    }
  });

  it('an SMS provider URL allowed when saved but no longer allowed: the reply fails with "target not allowed" and the provider is never called', async () => {
    const provider = await receiver(201);
    try {
      const ch = await req(s.base, admin, 'POST', '/api/v1/channels', {
        type: 'sms',
        name: 'SMS guarded',
        teamId: team,
        settings: { accountSid: 'AC9', phoneNumber: '+15550099', authToken: 'sms-token-99', apiBaseUrl: provider.url.replace('/hook', '') },
      });
      expect(ch.status).toBe(201);
      expect(
        (
          await postSigned(
            s.base,
            `/webhooks/sms/${ch.data.id}`,
            { MessageSid: 'SMg1', From: '+491700000099', To: '+15550099', Body: 'Hello' },
            'sms-token-99',
          )
        ).status,
      ).toBe(200);
      const c = (await req(s.base, admin, 'GET', '/api/v1/cases?type=sms&limit=50')).data.cases.find(
        (x: any) => x.customer?.phone === '+491700000099',
      );
      allowOnly([]);
      expect((await req(s.base, agent, 'POST', `/api/v1/cases/${c.id}/claim`)).status).toBe(200);
      expect((await req(s.base, agent, 'POST', `/api/v1/cases/${c.id}/messages`, { body: 'On its way.' })).status).toBe(201);
      const row = await eventually(async () => {
        const r = await s.db.kysely.selectFrom('outbound_messages').selectAll().where('case_id', '=', c.id).executeTakeFirst();
        return r?.last_error ? r : null;
      }, 'a failed attempt');
      expect(row.last_error).toBe(TARGET_NOT_ALLOWED);
      expect(provider.hits).toBe(0);
    } finally {
      await provider.close();
    }
  });

  it("an email channel's own relay is checked at connection (the operator's CASEWORK_SMTP_URL is trusted)", async () => {
    const relay = await relayStub();
    let mailer: Transporter | undefined;
    try {
      const ch = await req(s.base, admin, 'POST', '/api/v1/channels', {
        type: 'email',
        name: 'Own relay',
        teamId: team,
        settings: { address: 'own@outbound.test', smtpUrl: relay.url },
      });
      expect(ch.status).toBe(201);
      mailer = nodemailer.createTransport({ host: '127.0.0.1', port: s.smtpPort, secure: false, ignoreTLS: true });
      await mailer.sendMail({
        from: 'cy@cust.test',
        to: 'own@outbound.test',
        subject: 'Relay me',
        text: 'hi',
        messageId: '<relay-1@cust.test>',
      });
      const c = await eventually(
        async () =>
          (await req(s.base, admin, 'GET', '/api/v1/cases?type=email&limit=50')).data.cases.find((x: any) => x.subject === 'Relay me'),
        'the mail case',
      );
      expect((await req(s.base, agent, 'POST', `/api/v1/cases/${c.id}/claim`)).status).toBe(200);
      expect((await req(s.base, agent, 'POST', `/api/v1/cases/${c.id}/messages`, { body: 'First answer.' })).status).toBe(201);
      await eventually(async () => relay.mails === 1, 'the first reply at the channel relay'); // allowed (loopback): goes through the guarded socket
      allowOnly([]);
      expect((await req(s.base, agent, 'POST', `/api/v1/cases/${c.id}/messages`, { body: 'Second answer.' })).status).toBe(201);
      const failed = await eventually(
        async () =>
          (await s.db.kysely.selectFrom('outbound_messages').selectAll().where('case_id', '=', c.id).execute()).find((r) => r.last_error),
        'a failed attempt',
      );
      expect(failed.last_error).toBe(TARGET_NOT_ALLOWED);
      expect(relay.mails).toBe(1);
    } finally {
      mailer?.close();
      await relay.close();
    }
  });
});

describe('the guarded SMTP socket', () => {
  it('refuses a relay at an internal address before connecting, and connects when it is allowed', async () => {
    const relay = await relayStub();
    try {
      const send = (allow: string[]) =>
        nodemailer
          .createTransport({ url: relay.url.replace('127.0.0.1', '2130706433'), getSocket: guardedSmtpSocket(allow, 3000) })
          .sendMail({ from: 'a@b.test', to: 'c@d.test', subject: 's', text: 't' });
      await expect(send([])).rejects.toThrow(TARGET_NOT_ALLOWED);
      expect(relay.mails).toBe(0);
      await send(['127.0.0.0/8']);
      expect(relay.mails).toBe(1);
    } finally {
      await relay.close();
    }
  });
});
