import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, makeTeam, makeUser, type TestUser } from '../test-support/harness.ts';
import { eventually, http as req, startChannelServer, type ChannelServer } from '../test-support/channel-harness.ts';
import { dovecotMissing, startDovecot, type Dovecot } from '../test-support/dovecot.ts';
import { startSmtpSink, type SmtpSink } from '../test-support/smtp-sink.ts';
import { plainMail } from '../test-support/real-world-mail.ts';

// CC/BCC on replies, copied people answering, and conversations an agent starts (SPEC §13), with mail
// fetched from a real Dovecot over IMAP and sent through its submission service to a sink.
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

const toOf = (m: any) => (m.to?.value ?? []).map((v: any) => v.address);
const ccOf = (m: any) => (m.cc?.value ?? []).map((v: any) => v.address);

describe.skipIf(dovecotMissing !== null).each(DB_KINDS)('copies and new email conversations (%s)', (kind) => {
  let s: ChannelServer;
  let team: string;
  let admin: TestUser;
  let agent: TestUser;
  let outsider: TestUser;
  let viewer: TestUser;
  let user: string;
  let channelId: string;

  beforeAll(async () => {
    s = await startChannelServer(kind, {
      config: { mailCa: dovecot.cert },
      channel: { smtpUrl: null, imapScanMs: 100, imapPollMs: 300, imapLeaseMs: 3000, retryBaseMs: 1000, retryMaxMs: 2000 },
    });
    team = await makeTeam(s.db, 'Mail team');
    const other = await makeTeam(s.db, 'Other team');
    admin = await makeUser(s.db, { role: 'admin' });
    agent = await makeUser(s.db, { role: 'agent', teamIds: [team] });
    outsider = await makeUser(s.db, { role: 'agent', teamIds: [other] });
    viewer = await makeUser(s.db, { role: 'viewer', teamIds: [team] });
    user = `cc${++seq}-${kind}@acme.test`;
    await dovecot.addUser(user, 'desk-pw');
    const r = await req(s.base, admin, 'POST', '/api/v1/channels', {
      type: 'email',
      name: 'Desk',
      teamId: team,
      settings: {
        address: user,
        fromName: 'Acme Desk',
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

  const caseBySubject = (subject: string) =>
    eventually(async () => {
      const r = await s.db.kysely
        .selectFrom('case_channels as cc')
        .innerJoin('cases as c', 'c.id', 'cc.case_id')
        .select(['c.id', 'c.reference'])
        .where('cc.channel_id', '=', channelId)
        .where('c.subject', '=', subject)
        .executeTakeFirst();
      return r && { id: String(r.id), reference: r.reference };
    }, `the case "${subject}"`);
  const messagesOf = async (id: string) => (await req(s.base, agent, 'GET', `/api/v1/cases/${id}/messages`)).data.messages as any[];
  const atSink = (subject: string) => eventually(async () => sink.mails.find((m) => m.subject === subject), `"${subject}" at the sink`);

  it('a reply with Cc and Bcc reaches everyone, Bcc unseen; a copied person’s answer threads in under their address and replies still go to the customer', async () => {
    const n = `${kind}-cc`;
    await dovecot.append(user, 'desk-pw', [plainMail(user, n, ['Cc: Boss <Boss@cust.example>'])]);
    const c = await caseBySubject(`Question ${n}`);
    const first = await eventually(async () => (await messagesOf(c.id))[0], 'the mail');
    expect(first).toMatchObject({ direction: 'inbound', cc: ['boss@cust.example'], from: null, automatic: null });

    const sent = await req(s.base, agent, 'POST', `/api/v1/cases/${c.id}/messages`, {
      body: 'Looping in your manager.',
      cc: ['Boss@cust.example', 'boss@cust.example'],
      bcc: ['audit@acme.test'],
    });
    expect(sent.status).toBe(201);
    expect(sent.data).toMatchObject({ cc: ['boss@cust.example'], bcc: ['audit@acme.test'] });
    const mail = await atSink(`Re: Question ${n} [#${c.reference}]`);
    expect(toOf(mail)).toEqual([`c${n}@cust.example`]);
    expect(ccOf(mail)).toEqual(['boss@cust.example']);
    expect(mail.bcc).toBeUndefined();
    expect(mail.headers.has('bcc')).toBe(false);
    expect(mail.rcptTo.sort()).toEqual(['audit@acme.test', 'boss@cust.example', `c${n}@cust.example`].sort());

    // The boss answers (reply-all): same case, shown as the boss, the customer unchanged.
    await dovecot.append(user, 'desk-pw', [
      plainMail(user, `${n}-boss`, [`In-Reply-To: ${mail.messageId}`])
        .replace(/^From: .*$/m, 'From: Boss <boss@cust.example>')
        .replace(/^Subject: .*$/m, `Subject: Re: Question ${n} [#${c.reference}]`),
    ]);
    const msgs = await eventually(async () => {
      const m = await messagesOf(c.id);
      return m.length === 3 && m;
    }, 'the boss’s answer');
    expect(msgs[2]).toMatchObject({ direction: 'inbound', from: 'boss@cust.example' });
    const kase = (await req(s.base, agent, 'GET', `/api/v1/cases/${c.id}`)).data;
    expect(kase.customer.email).toBe(`c${n}@cust.example`);
    await req(s.base, agent, 'POST', `/api/v1/cases/${c.id}/messages`, { body: 'Thanks both.', cc: ['boss@cust.example'] });
    const next = await eventually(
      async () => sink.mails.find((m) => m.text?.includes('Thanks both.') && m.subject?.includes(c.reference)),
      'the next reply',
    );
    expect(toOf(next)).toEqual([`c${n}@cust.example`]);
  });

  it('refuses bad copies with the field named and changes nothing', async () => {
    const n = `${kind}-bad`;
    await dovecot.append(user, 'desk-pw', [plainMail(user, n)]);
    const c = await caseBySubject(`Question ${n}`);
    await eventually(async () => (await messagesOf(c.id)).length === 1, 'the mail');
    const bad = await req(s.base, agent, 'POST', `/api/v1/cases/${c.id}/messages`, {
      body: 'x',
      cc: ['ok@cust.example', 'not an address'],
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.data)).toContain('cc[1]');
    const note = await req(s.base, agent, 'POST', `/api/v1/cases/${c.id}/messages`, { body: 'x', internal: true, bcc: ['a@cust.example'] });
    expect(note.status).toBe(400);
    expect(JSON.stringify(note.data)).toContain('bcc');
    const tooMany = await req(s.base, agent, 'POST', `/api/v1/cases/${c.id}/messages`, {
      body: 'x',
      cc: Array.from({ length: 21 }, (_, i) => `p${i}@cust.example`),
    });
    expect(tooMany.status).toBe(400);
    const platform = await req(s.base, agent, 'POST', '/api/v1/cases', { subject: 'By hand', teamId: team });
    const onPlatform = await req(s.base, agent, 'POST', `/api/v1/cases/${platform.data.id}/messages`, {
      body: 'x',
      cc: ['a@cust.example'],
    });
    expect(onPlatform.status).toBe(400);
    expect(JSON.stringify(onPlatform.data)).toContain('email');
    expect(await messagesOf(c.id)).toHaveLength(1);
  });

  it('an agent starts an email conversation: an email case they own, the mail sent through the channel, the answer threads back', async () => {
    const n = `${kind}-new`;
    const r = await req(s.base, agent, 'POST', '/api/v1/cases/email', {
      channelId,
      to: `New.Customer-${n}@cust.example`,
      name: 'Nina New',
      subject: `Your order ${n}`,
      body: 'Your order has shipped.',
      cc: [`partner-${n}@cust.example`],
    });
    expect(r.status).toBe(201);
    expect(r.data).toMatchObject({ type: 'email', status: 'ready', ownerId: agent.id, teamId: team });
    expect(r.data.customer).toMatchObject({ name: 'Nina New', email: `new.customer-${n}@cust.example` });
    const mail = await atSink(`Your order ${n} [#${r.data.reference}]`);
    expect(toOf(mail)).toEqual([`new.customer-${n}@cust.example`]);
    expect(ccOf(mail)).toEqual([`partner-${n}@cust.example`]);
    expect(mail.from?.value[0]).toEqual({ address: user, name: 'Acme Desk' });
    const events = (await req(s.base, agent, 'GET', `/api/v1/cases/${r.data.id}/events`)).data.events as any[];
    expect(events[0]).toMatchObject({
      type: 'case.created',
      actorId: agent.id,
      data: { type: 'email', ownerId: agent.id, channel: 'email' },
    });

    await dovecot.append(user, 'desk-pw', [
      plainMail(user, `${n}-answer`, [`In-Reply-To: ${mail.messageId}`])
        .replace(/^From: .*$/m, `From: Nina <new.customer-${n}@cust.example>`)
        .replace(/^Subject: .*$/m, `Subject: Re: Your order ${n} [#${r.data.reference}]`),
    ]);
    const msgs = await eventually(async () => {
      const m = await messagesOf(r.data.id);
      return m.length === 2 && m;
    }, 'the answer in the case');
    expect(msgs.map((m) => m.direction)).toEqual(['outbound', 'inbound']);
    expect(msgs[0].delivery.state).toBe('sent');
    expect(msgs[1].from).toBeNull();
  });

  it('new conversations: 401 signed out, 403 for a viewer or another team’s agent, 400 naming the field', async () => {
    // The channels offered to start from: those on a team the user may create cases on.
    const mine = await req(s.base, agent, 'GET', '/api/v1/cases/email/channels');
    expect(mine.data.channels).toEqual([{ id: channelId, name: 'Desk', address: user, teamId: team }]);
    expect((await req(s.base, outsider, 'GET', '/api/v1/cases/email/channels')).data.channels).toEqual([]);
    expect((await req(s.base, viewer, 'GET', '/api/v1/cases/email/channels')).status).toBe(403);
    const body = { channelId, to: 'x@cust.example', subject: 'Hi', body: 'Hello' };
    expect((await req(s.base, null, 'POST', '/api/v1/cases/email', body)).status).toBe(401);
    expect((await req(s.base, viewer, 'POST', '/api/v1/cases/email', body)).status).toBe(403);
    expect((await req(s.base, outsider, 'POST', '/api/v1/cases/email', body)).status).toBe(403);
    for (const [patch, field] of [
      [{ to: 'nobody' }, 'to'],
      [{ channelId: '00000000-0000-7000-8000-000000000000' }, 'channelId'],
      [{ cc: ['bad'] }, 'cc[0]'],
      [{ subject: '   ' }, 'subject'],
    ] as const) {
      const res = await req(s.base, agent, 'POST', '/api/v1/cases/email', { ...body, ...patch });
      expect(res.status, field).toBe(400);
      expect(JSON.stringify(res.data), field).toContain(field);
    }
    const count = await s.db.kysely
      .selectFrom('cases')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('subject', '=', 'Hi')
      .executeTakeFirst();
    expect(Number(count?.n)).toBe(0);
  });
});
