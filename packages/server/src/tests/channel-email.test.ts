import type { AddressInfo } from 'node:net';
import nodemailer, { type Transporter } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, makeTeam, makeUser, type TestUser } from '../test-support/harness.ts';
import { eventually, http as req, startChannelServer, type ChannelServer } from '../test-support/channel-harness.ts';
import { storedBytes } from '../test-support/stored-bytes.ts';

/** A local SMTP relay standing in for the outbound mail server: keeps every mail it is given. */
async function relayStub(): Promise<{ url: string; mails: ParsedMail[]; close(): Promise<void> }> {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _session, cb) {
      simpleParser(stream).then((m) => {
        mails.push(m);
        cb();
      }, cb);
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe.each(DB_KINDS)('email channel over real SMTP (%s)', (kind) => {
  let s: ChannelServer;
  let relay: Awaited<ReturnType<typeof relayStub>>;
  let team: string;
  let admin: TestUser;
  let agent: TestUser;
  let mailer: Transporter;

  beforeAll(async () => {
    relay = await relayStub();
    s = await startChannelServer(kind, { channel: { smtpUrl: relay.url, maxAttachmentBytes: 1000 } });
    team = await makeTeam(s.db, 'Mail team');
    admin = await makeUser(s.db, { role: 'admin' });
    agent = await makeUser(s.db, { role: 'agent', teamIds: [team] });
    const ch = await req(s.base, admin, 'POST', '/api/v1/channels', {
      type: 'email',
      name: 'Support mail',
      teamId: team,
      settings: { address: 'Support@Acme.test', fromName: 'Acme Support' },
    });
    expect(ch.status).toBe(201);
    expect(ch.data.address).toBe('support@acme.test');
    mailer = nodemailer.createTransport({ host: '127.0.0.1', port: s.smtpPort, secure: false, ignoreTLS: true });
  });
  afterAll(async () => {
    mailer.close();
    await s.close();
    await relay.close();
  });

  const emailCases = async () => (await req(s.base, admin, 'GET', '/api/v1/cases?type=email&limit=50')).data.cases as any[];
  const messagesOf = async (id: string) => (await req(s.base, admin, 'GET', `/api/v1/cases/${id}/messages`)).data.messages as any[];

  it('mail to an unknown address is refused at RCPT TO', async () => {
    await expect(mailer.sendMail({ from: 'x@cust.test', to: 'nobody@acme.test', subject: 'hi', text: 'hi' })).rejects.toThrow(
      /550|No mailbox/,
    );
  });

  it('a new mail creates an email case (new, on the channel team); the same Message-ID again adds nothing', async () => {
    const mail = {
      from: 'Ann Customer <ann@cust.test>',
      to: 'support@acme.test',
      subject: 'Printer broken',
      text: 'It smokes.',
      messageId: '<m1@cust.test>',
    };
    await mailer.sendMail(mail);
    await mailer.sendMail(mail);
    const cases = await emailCases();
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({
      type: 'email',
      subject: 'Printer broken',
      teamId: team,
      status: 'new',
      ownerId: null,
      customer: { name: 'Ann Customer', email: 'ann@cust.test' },
    });
    const msgs = await messagesOf(cases[0].id);
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({ direction: 'inbound', channel: 'email', body: 'It smokes.' });
  });

  it('an agent reply goes out by SMTP from the channel address, threaded; the customer answer threads back', async () => {
    const [c] = await emailCases();
    expect((await req(s.base, agent, 'POST', `/api/v1/cases/${c.id}/claim`)).status).toBe(200);
    expect((await req(s.base, agent, 'POST', `/api/v1/cases/${c.id}/messages`, { body: 'Unplug it, please.' })).status).toBe(201);
    const [out] = await eventually(async () => relay.mails.length > 0 && relay.mails, 'the reply at the relay');
    expect(out!.from?.value[0]).toMatchObject({ address: 'support@acme.test', name: 'Acme Support' });
    expect((Array.isArray(out!.to) ? out!.to[0] : out!.to)?.value[0]?.address).toBe('ann@cust.test');
    expect(out!.subject).toBe(`Re: Printer broken [#${c.reference}]`);
    expect(out!.inReplyTo).toBe('<m1@cust.test>');
    expect([out!.references].flat()).toContain('<m1@cust.test>');
    expect(out!.text?.trim()).toBe('Unplug it, please.');
    await mailer.sendMail({
      from: 'ann@cust.test',
      to: 'support@acme.test',
      subject: out!.subject!,
      messageId: '<m2@cust.test>',
      inReplyTo: out!.messageId!,
      references: ['<m1@cust.test>', out!.messageId!],
      text: 'Done, thanks.\n\nOn Tue, Support wrote:\n> Unplug it, please.',
    });
    const msgs = await eventually(async () => {
      const m = await messagesOf(c.id);
      return m.length === 3 && m;
    }, 'the threaded answer');
    expect(msgs.map((m: any) => [m.direction, m.body])).toEqual([
      ['inbound', 'It smokes.'],
      ['outbound', 'Unplug it, please.'],
      ['inbound', 'Done, thanks.'],
    ]);
    expect(await emailCases()).toHaveLength(1);
  });

  it('without threading headers, the [#REF] token in the subject threads the mail', async () => {
    const [c] = await emailCases();
    await mailer.sendMail({
      from: 'ann@cust.test',
      to: 'support@acme.test',
      subject: `About my case [#${c.reference}]`,
      text: 'One more thing.',
    });
    expect((await messagesOf(c.id)).at(-1)).toMatchObject({ body: 'One more thing.' });
    expect(await emailCases()).toHaveLength(1);
  });

  it('HTML-only mail is reduced to text (no markup, no scripts); attachments are kept within the cap', async () => {
    await mailer.sendMail({
      from: 'Bob <bob@cust.test>',
      to: 'support@acme.test',
      subject: 'Invoice question',
      html: '<p>Hello <b>team</b>,</p><script>alert("x")</script><p>see attached &amp; advise</p>',
      attachments: [
        { filename: 'small.txt', content: 'tiny file' },
        { filename: 'big.bin', content: Buffer.alloc(5000, 1) },
      ],
    });
    const c = (await emailCases()).find((x) => x.subject === 'Invoice question');
    expect(c).toBeDefined();
    const [m] = await messagesOf(c.id);
    expect(m.body).toContain('Hello team');
    expect(m.body).toContain('see attached & advise');
    expect(m.body).not.toMatch(/<|alert/);
    expect(m.body).not.toContain('[Attachment');
    const atts = await s.db.kysely
      .selectFrom('message_attachments')
      .selectAll()
      .where('message_id', '=', m.id)
      .orderBy('filename', 'desc')
      .execute();
    const bytes = async (id: string) => (await storedBytes(s.db, id))?.toString() ?? null;
    expect(await Promise.all(atts.map(async (a) => [a.filename, a.size, await bytes(a.id)]))).toEqual([
      ['small.txt', 9, 'tiny file'],
      ['big.bin', 5000, null],
    ]);
    const info = await req(s.base, agent, 'GET', `/api/v1/cases/${c.id}/channel`);
    expect(info.data).toMatchObject({ channel: { type: 'email', name: 'Support mail' }, customerAddress: 'bob@cust.test' });
    const small = info.data.attachments.find((a: any) => a.filename === 'small.txt');
    expect(info.data.attachments.find((a: any) => a.filename === 'big.bin')).toMatchObject({ kept: false, size: 5000 });
    const dl = await fetch(`${s.base}/api/v1/cases/${c.id}/attachments/${small.id}`, { headers: agent.headers });
    expect(dl.headers.get('content-disposition')).toBe('attachment; filename=small.txt');
    expect(await dl.text()).toBe('tiny file');
    const outsider = await makeUser(s.db, { role: 'agent' });
    expect((await req(s.base, outsider, 'GET', `/api/v1/cases/${c.id}/channel`)).status).toBe(404);
    expect((await fetch(`${s.base}/api/v1/cases/${c.id}/attachments/${small.id}`, { headers: outsider.headers })).status).toBe(404);
  });
});
