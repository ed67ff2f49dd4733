import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, makeTeam, makeUser, type TestUser } from '../test-support/harness.ts';
import { eventually, http as req, startChannelServer, type ChannelServer } from '../test-support/channel-harness.ts';
import { dovecotMissing, startDovecot, type Dovecot } from '../test-support/dovecot.ts';
import { startSmtpSink, type SmtpSink } from '../test-support/smtp-sink.ts';
import { plainMail } from '../test-support/real-world-mail.ts';
import { mayAutoMailTo } from '../use-cases/mailbox/may-auto-mail.ts';
import { uuidv7 } from '../ids.ts';

// Loops, auto-replies and bounces (SPEC §13) with mail fetched from a real Dovecot over IMAP and
// replies submitted through its submission service to a sink.
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

/** An out-of-office answer as Exchange and Gmail send them. */
const outOfOffice = (to: string, from: string, id: string, inReplyTo: string | null) =>
  [
    `From: ${from}`,
    `To: ${to}`,
    `Subject: Automatic reply: away`,
    `Message-ID: <${id}@cust.example>`,
    ...(inReplyTo ? [`In-Reply-To: ${inReplyTo}`] : []),
    'Date: Mon, 01 Dec 2026 09:01:00 +0000',
    'Auto-Submitted: auto-replied',
    'X-Auto-Response-Suppress: All',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'I am away until Monday.',
    '',
  ].join('\r\n');

/** A Postfix-style DSN returning one of our mails (its headers, Message-ID included). */
const bounce = (to: string, recipient: string, originalId: string, id: string) =>
  [
    'From: MAILER-DAEMON@mx.cust.example (Mail Delivery System)',
    `To: ${to}`,
    'Subject: Undelivered Mail Returned to Sender',
    `Message-ID: <${id}@mx.cust.example>`,
    'Date: Mon, 01 Dec 2026 09:02:00 +0000',
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="dsnb"',
    '',
    '--dsnb',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'I am sorry to have to inform you that your message could not be delivered.',
    '',
    '--dsnb',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.cust.example',
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    'Action: failed',
    'Status: 5.1.1',
    `Diagnostic-Code: smtp; 550 5.1.1 <${recipient}>: Recipient address rejected: User unknown`,
    '',
    '--dsnb',
    'Content-Type: text/rfc822-headers',
    '',
    `From: ${to}`,
    `To: ${recipient}`,
    `Message-ID: ${originalId}`,
    'Subject: Re: Question',
    '',
    '--dsnb--',
    '',
  ].join('\r\n');

describe.skipIf(dovecotMissing !== null).each(DB_KINDS)('loops, auto-replies and bounces over IMAP (%s)', (kind) => {
  let s: ChannelServer;
  let team: string;
  let admin: TestUser;
  let agent: TestUser;
  let user: string;
  let channelId: string;

  beforeAll(async () => {
    s = await startChannelServer(kind, {
      config: { mailCa: dovecot.cert },
      channel: { smtpUrl: null, imapScanMs: 100, imapPollMs: 300, imapLeaseMs: 3000, retryBaseMs: 1000, retryMaxMs: 2000 },
    });
    team = await makeTeam(s.db, 'Mail team');
    admin = await makeUser(s.db, { role: 'admin' });
    agent = await makeUser(s.db, { role: 'agent', teamIds: [team] });
    user = `loops${++seq}-${kind}@acme.test`;
    await dovecot.addUser(user, 'desk-pw');
    const r = await req(s.base, admin, 'POST', '/api/v1/channels', {
      type: 'email',
      name: 'Desk',
      teamId: team,
      settings: {
        address: user,
        imap: { host: dovecot.host, port: dovecot.imapsPort, security: 'tls', user, password: 'desk-pw' },
        smtp: { host: dovecot.host, port: dovecot.submissionPort, security: 'starttls', user, password: 'desk-pw' },
      },
    });
    expect(r.status).toBe(201);
    channelId = r.data.id;
  });
  afterAll(async () => {
    await s?.close();
  });

  const casesOf = async () =>
    (
      await s.db.kysely
        .selectFrom('case_channels as cc')
        .innerJoin('cases as c', 'c.id', 'cc.case_id')
        .select(['c.id', 'c.reference', 'c.subject', 'c.status'])
        .where('cc.channel_id', '=', channelId)
        .execute()
    ).map((c) => ({ ...c, id: String(c.id) }));
  const messagesOf = async (id: string) => (await req(s.base, agent, 'GET', `/api/v1/cases/${id}/messages`)).data.messages as any[];
  const outcomes = async () =>
    (
      await s.db.kysely
        .selectFrom('inbound_messages')
        .select(['provider_id', 'outcome', 'processed_at', 'case_id'])
        .where('channel_id', '=', channelId)
        .execute()
    ).map((r) => ({ ...r, case_id: r.case_id && String(r.case_id) }));

  /** A customer mail becomes a case; the agent claims it and replies; the reply reaches the sink. Returns the case and the reply's Message-ID. */
  const answeredCase = async (n: string) => {
    await dovecot.append(user, 'desk-pw', [plainMail(user, n)]);
    const c = await eventually(async () => (await casesOf()).find((x) => x.subject === `Question ${n}`), 'the case');
    expect((await req(s.base, agent, 'POST', `/api/v1/cases/${c.id}/claim`)).status).toBe(200);
    expect((await req(s.base, agent, 'POST', `/api/v1/cases/${c.id}/messages`, { body: 'We are on it.' })).status).toBe(201);
    const mail = await eventually(
      async () => sink.mails.find((m) => m.subject === `Re: Question ${n} [#${c.reference}]`),
      'the reply at the sink',
    );
    return { ...c, replyId: mail.messageId! };
  };

  it('an out-of-office answer threads into its case without reopening it and stops automatic mail; one to no case opens none', async () => {
    const n = `${kind}-ooo`;
    const c = await answeredCase(n);
    expect((await req(s.base, agent, 'POST', `/api/v1/cases/${c.id}/resolve`, { resolution: 'completed' })).status).toBe(200);
    expect(await mayAutoMailTo(s.db.kysely, `c${n}@cust.example`, { caseId: c.id })).toEqual({ ok: true });
    await dovecot.append(user, 'desk-pw', [
      outOfOffice(user, `Customer <c${n}@cust.example>`, `ooo-${n}`, c.replyId),
      outOfOffice(user, `Stranger <stranger-${n}@cust.example>`, `ooo-stranger-${n}`, null),
    ]);
    const msgs = await eventually(async () => {
      const m = await messagesOf(c.id);
      return m.length === 3 && m;
    }, 'the auto-reply in the conversation');
    expect(msgs[2]).toMatchObject({ direction: 'inbound', automatic: 'auto_replied', body: expect.stringContaining('away until Monday') });
    await eventually(
      async () => (await outcomes()).some((o) => o.provider_id === `<ooo-stranger-${n}@cust.example>` && o.processed_at),
      'the stranger',
    );
    const cases = await casesOf();
    expect(cases.find((x) => x.id === c.id)?.status).toBe('resolved');
    expect(cases.filter((x) => x.subject.includes('Automatic reply'))).toEqual([]);
    expect((await outcomes()).find((o) => o.provider_id === `<ooo-stranger-${n}@cust.example>`)).toMatchObject({
      outcome: 'auto_reply',
      case_id: null,
    });
    expect(await mayAutoMailTo(s.db.kysely, `c${n}@cust.example`, { caseId: c.id })).toEqual({ ok: false, reason: 'automatic_sender' });
  });

  it('a bounce marks the reply it returns failed with the server’s words and the address bounced; it opens no case', async () => {
    const n = `${kind}-dsn`;
    const c = await answeredCase(n);
    await eventually(async () => (await messagesOf(c.id)).find((m) => m.delivery?.state === 'sent'), 'the reply sent');
    const before = (await casesOf()).length;
    await dovecot.append(user, 'desk-pw', [bounce(user, `c${n}@cust.example`, c.replyId, `dsn-${n}`)]);
    const reply = await eventually(async () => (await messagesOf(c.id)).find((m) => m.delivery?.state === 'failed'), 'the reply failed');
    expect(reply.delivery.lastError).toMatch(/550 5\.1\.1 .*User unknown/);
    expect(await messagesOf(c.id)).toHaveLength(2);
    expect(await casesOf()).toHaveLength(before);
    const events = (await req(s.base, agent, 'GET', `/api/v1/cases/${c.id}/events`)).data.events as any[];
    expect(events.filter((e) => e.type === 'case.delivery_changed').map((e) => e.data.state)).toEqual(['sent', 'failed']);
    expect(await mayAutoMailTo(s.db.kysely, `C${n}@cust.example`)).toEqual({ ok: false, reason: 'bounced' });
  });

  it('a sender past the hourly limit is held: the mail is kept, no case, no answer', async () => {
    await s.db.kysely.updateTable('organisation').set({ mail_sender_limit: 3 }).execute();
    const flood = Array.from({ length: 5 }, (_, i) =>
      plainMail(user, `${kind}-flood-${i}`).replace(/^From: .*$/m, 'From: Robot <robot@cust.example>'),
    );
    await dovecot.append(user, 'desk-pw', flood);
    const rows = await eventually(async () => {
      const o = (await outcomes()).filter((x) => /flood/.test(x.provider_id) && x.processed_at);
      return o.length === 5 && o;
    }, 'every flood mail processed');
    expect(rows.filter((o) => o.outcome === 'held')).toHaveLength(2);
    expect((await casesOf()).filter((c) => c.subject.includes('flood'))).toHaveLength(3);
    await s.db.kysely.updateTable('organisation').set({ mail_sender_limit: 30 }).execute();
  });

  it('mayAutoMailTo: never our own address, a blocked sender or domain, nor no address', async () => {
    expect(await mayAutoMailTo(s.db.kysely, user.toUpperCase())).toEqual({ ok: false, reason: 'own_address' });
    expect(await mayAutoMailTo(s.db.kysely, null)).toEqual({ ok: false, reason: 'no_address' });
    expect(await mayAutoMailTo(s.db.kysely, 'fine@cust.example')).toEqual({ ok: true });
    await s.db.kysely
      .insertInto('blocklist')
      .values([
        { id: uuidv7(Date.now()), kind: 'email', value: 'pest@cust.example', created_by: null, created_at: new Date() },
        { id: uuidv7(Date.now()), kind: 'domain', value: 'junk.example', created_by: null, created_at: new Date() },
      ])
      .execute();
    expect(await mayAutoMailTo(s.db.kysely, 'Pest@cust.example')).toEqual({ ok: false, reason: 'blocked' });
    expect(await mayAutoMailTo(s.db.kysely, 'a@mail.junk.example')).toEqual({ ok: false, reason: 'blocked' });
  });
});
