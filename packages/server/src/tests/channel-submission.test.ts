import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, makeTeam, makeUser, type TestUser } from '../test-support/harness.ts';
import { eventually, http as req, startChannelServer, type ChannelServer } from '../test-support/channel-harness.ts';
import { dovecotMissing, startDovecot, type Dovecot } from '../test-support/dovecot.ts';
import { startSmtpSink, type SmtpSink } from '../test-support/smtp-sink.ts';
import { plainMail } from '../test-support/real-world-mail.ts';

// Replies leave through a real submission server (Dovecot: STARTTLS and AUTH required), which
// relays to a sink standing in for the customer's mail server.
let dovecot: Dovecot;
let sink: SmtpSink;
let seq = 0;

beforeAll(async () => {
  if (dovecotMissing) return;
  sink = await startSmtpSink();
  dovecot = await startDovecot({ relayPort: sink.port });
});
afterAll(async () => {
  await dovecot?.stop();
  await sink?.close();
});

describe.skipIf(dovecotMissing !== null)('the submission server itself', () => {
  it('refuses mail without AUTH, and AUTH without STARTTLS', async () => {
    await dovecot.addUser('probe@acme.test', 'pw');
    const noAuth = nodemailer.createTransport({
      host: dovecot.host,
      port: dovecot.submissionPort,
      requireTLS: true,
      tls: { ca: dovecot.cert },
    });
    await expect(noAuth.sendMail({ from: 'probe@acme.test', to: 'x@cust.example', text: 'x' })).rejects.toThrow(/auth/i);
    const noTls = nodemailer.createTransport({
      host: dovecot.host,
      port: dovecot.submissionPort,
      ignoreTLS: true,
      auth: { user: 'probe@acme.test', pass: 'pw' },
    });
    await expect(noTls.sendMail({ from: 'probe@acme.test', to: 'x@cust.example', text: 'x' })).rejects.toThrow();
  });
});

describe.skipIf(dovecotMissing !== null).each(DB_KINDS)('replies through the channel SMTP submission server (%s)', (kind) => {
  let s: ChannelServer;
  let team: string;
  let admin: TestUser;
  let agent: TestUser;

  beforeAll(async () => {
    // No CASEWORK_SMTP_URL: replies can only leave through the channel's own server.
    s = await startChannelServer(kind, {
      config: { mailCa: dovecot.cert },
      channel: { smtpUrl: null, imapScanMs: 100, imapPollMs: 500, imapLeaseMs: 3000, retryBaseMs: 1000, retryMaxMs: 2000 },
    });
    team = await makeTeam(s.db, 'Mail team');
    admin = await makeUser(s.db, { role: 'admin' });
    agent = await makeUser(s.db, { role: 'agent', teamIds: [team] });
  });
  afterAll(async () => {
    await s?.close();
  });

  const channelWith = async (smtpPassword: string) => {
    const user = `desk${++seq}-${kind}@acme.test`;
    await dovecot.addUser(user, 'desk-pw');
    const r = await req(s.base, admin, 'POST', '/api/v1/channels', {
      type: 'email',
      name: `Desk ${seq}`,
      teamId: team,
      settings: {
        address: user,
        fromName: 'Acme Desk',
        imap: { host: dovecot.host, port: dovecot.imapsPort, security: 'tls', user, password: 'desk-pw' },
        smtp: { host: dovecot.host, port: dovecot.submissionPort, security: 'starttls', user, password: smtpPassword },
      },
    });
    expect(r.status).toBe(201);
    return { user, ch: r.data };
  };
  const caseFrom = async (user: string, channelId: string, n: string) => {
    await dovecot.append(user, 'desk-pw', [plainMail(user, n, [`References: <earlier-${n}@cust.example>`])]);
    return eventually(async () => {
      const r = await s.db.kysely
        .selectFrom('case_channels as cc')
        .innerJoin('cases as c', 'c.id', 'cc.case_id')
        .select(['c.id', 'c.reference'])
        .where('cc.channel_id', '=', channelId)
        .where('c.subject', '=', `Question ${n}`)
        .executeTakeFirst();
      return r;
    }, 'the fetched case');
  };

  it('an agent reply is submitted with STARTTLS and AUTH and reaches the sink with threading headers; Test connection says so', async () => {
    const { user, ch } = await channelWith('desk-pw');
    expect(ch.settings.smtp).toEqual({ host: dovecot.host, port: dovecot.submissionPort, security: 'starttls', user, hasPassword: true });
    expect(ch).toMatchObject({ canDeliver: true, deliveryProblem: null });
    const test = await req(s.base, admin, 'POST', `/api/v1/channels/${ch.id}/test-connection`);
    expect(test.data.smtp).toEqual({
      ok: true,
      message: `Connected to ${dovecot.host}:${dovecot.submissionPort} and signed in as ${user}.`,
    });
    expect(test.data.imap.ok).toBe(true);

    const n = `${kind}-reply`;
    const c = await caseFrom(user, ch.id, n);
    const sent = await req(s.base, agent, 'POST', `/api/v1/cases/${c.id}/messages`, { body: 'We are on it.', internal: false });
    expect(sent.status).toBe(201);
    const mail = await eventually(
      async () => sink.mails.find((m) => m.subject === `Re: Question ${n} [#${c.reference}]`),
      'the reply at the sink',
    );
    expect(mail.from?.value[0]).toEqual({ address: user, name: 'Acme Desk' });
    expect(mail.to && !Array.isArray(mail.to) && mail.to.value[0]?.address).toBe(`c${n}@cust.example`);
    expect(mail.inReplyTo).toBe(`<q${n}@cust.example>`);
    expect(mail.references).toEqual([`<earlier-${n}@cust.example>`, `<q${n}@cust.example>`]);
    expect(mail.text?.trim()).toBe('We are on it.');
    expect(mail.envelopeFrom).toBe(user);
    const msgs = await eventually(async () => {
      const m = (await req(s.base, agent, 'GET', `/api/v1/cases/${c.id}/messages`)).data.messages as any[];
      return m.find((x) => x.direction === 'outbound' && x.delivery?.state === 'sent') && m;
    }, 'the reply marked sent');
    expect(msgs.find((x: any) => x.direction === 'outbound').delivery).toMatchObject({ state: 'sent', attempts: 1 });
  });

  it('a wrong submission password: Test connection names it, the reply fails with the reason, the server keeps serving', async () => {
    const { user, ch } = await channelWith('wrong-pw');
    const test = await req(s.base, admin, 'POST', `/api/v1/channels/${ch.id}/test-connection`);
    expect(test.data.smtp).toEqual({
      ok: false,
      message: expect.stringMatching(/^Login refused by 127\.0\.0\.2:\d+: .*535.*\. Check the user name and password\.$/),
    });
    const c = await caseFrom(user, ch.id, `${kind}-bad`);
    const sent = await req(s.base, agent, 'POST', `/api/v1/cases/${c.id}/messages`, { body: 'Hello?', internal: false });
    expect(sent.status).toBe(201);
    const failed = await eventually(async () => {
      const m = (await req(s.base, agent, 'GET', `/api/v1/cases/${c.id}/messages`)).data.messages as any[];
      return m.find((x) => x.direction === 'outbound' && x.delivery?.state === 'failed');
    }, 'the failed delivery');
    expect(failed.delivery.lastError).toMatch(/535|auth/i);
    expect(sink.mails.find((m) => m.subject?.includes(`${kind}-bad`))).toBeUndefined();
    expect((await req(s.base, admin, 'GET', '/api/v1/channels')).status).toBe(200);
  });
});
