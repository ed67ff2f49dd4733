import net from 'node:net';
import nodemailer, { type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, makeTeam, makeUser, type TestUser } from '../test-support/harness.ts';
import { eventually, http as req, startChannelServer, type ChannelServer } from '../test-support/channel-harness.ts';

// DMARC for strict.example asks receivers to reject what fails; nothing here signs for it, and SPF
// allows no address, so every mail claiming to be from it fails DMARC under p=reject.
const ZONE: Record<string, string[][]> = {
  'TXT:_dmarc.strict.example': [['v=DMARC1; p=reject']],
  'TXT:strict.example': [['v=spf1 -all']],
  'TXT:_dmarc.lax.example': [['v=DMARC1; p=none']],
  'TXT:lax.example': [['v=spf1 -all']],
};
const resolver = async (name: string, type: string) => {
  const r = ZONE[`${type}:${name.toLowerCase()}`];
  if (r) return r;
  throw Object.assign(new Error(`${name} not found`), { code: 'ENOTFOUND' });
};

/** Speaks SMTP over a socket, sending `data` as the DATA payload byte for byte; the server's reply codes in order. */
async function rawSmtp(port: number, from: string, to: string, data: Buffer): Promise<number[]> {
  const socket = net.connect(port, '127.0.0.1');
  const codes: number[] = [];
  let buffered = '';
  let waiting: ((code: number) => void) | null = null;
  const pending: number[] = [];
  socket.on('data', (chunk) => {
    buffered += chunk.toString('latin1');
    let nl = buffered.indexOf('\r\n');
    while (nl >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 2);
      if (/^\d{3} /.test(line)) {
        const code = Number(line.slice(0, 3));
        codes.push(code);
        if (waiting) {
          const w = waiting;
          waiting = null;
          w(code);
        } else pending.push(code);
      }
      nl = buffered.indexOf('\r\n');
    }
  });
  const reply = () => (pending.length ? Promise.resolve(pending.shift()!) : new Promise<number>((r) => (waiting = r)));
  const send = async (line: string | Buffer) => {
    socket.write(line);
    return reply();
  };
  await reply(); // greeting
  await send('EHLO tester.example\r\n');
  await send(`MAIL FROM:<${from}>\r\n`);
  await send(`RCPT TO:<${to}>\r\n`);
  if ((await send('DATA\r\n')) === 354) {
    const body = data.length === 0 || data.subarray(-2).toString() === '\r\n' ? data : Buffer.concat([data, Buffer.from('\r\n')]);
    await send(Buffer.concat([body, Buffer.from('.\r\n')]));
  }
  socket.write('QUIT\r\n');
  await reply().catch(() => 0);
  socket.destroy();
  return codes;
}

describe.each(DB_KINDS)('inbound mail as spam, and unreadable mail, over SMTP (%s)', (kind) => {
  let s: ChannelServer;
  let admin: TestUser;
  let mailer: Transporter;
  const desk = `desk-${kind}@acme.test`;

  beforeAll(async () => {
    s = await startChannelServer(kind, { channel: { dnsResolver: resolver } });
    const team = await makeTeam(s.db, 'Mail team');
    admin = await makeUser(s.db, { role: 'admin', teamIds: [team] });
    const ch = await req(s.base, admin, 'POST', '/api/v1/channels', {
      type: 'email',
      name: 'Desk',
      teamId: team,
      settings: { address: desk },
    });
    expect(ch.status).toBe(201);
    mailer = nodemailer.createTransport({ host: '127.0.0.1', port: s.smtpPort, secure: false, ignoreTLS: true });
  });
  afterAll(async () => {
    mailer.close();
    await s.close();
  });

  const caseWithSubject = (subject: string) =>
    eventually(async () => {
      const r = await s.db.kysely.selectFrom('cases').select(['id', 'status']).where('subject', '=', subject).execute();
      return r.length ? r : undefined;
    }, `a case "${subject}"`);
  const get = async (url: string) => (await req(s.base, admin, 'GET', url)).data;

  it('mail from a blocked sender or domain becomes a spam case (kept, never queued, recorded why); a later mail in its thread stays there', async () => {
    await req(s.base, admin, 'POST', '/api/v1/blocklist', {
      entries: [
        { kind: 'email', value: 'eve@phish.example' },
        { kind: 'domain', value: 'junk.example' },
      ],
    });
    await mailer.sendMail({
      from: 'Eve <Eve@Phish.example>',
      to: desk,
      subject: 'Prize',
      text: 'You won',
      messageId: `<p1-${kind}@phish.example>`,
    });
    await mailer.sendMail({
      from: 'sal@mail.junk.example',
      to: desk,
      subject: 'Cheap pills',
      text: 'Buy',
      messageId: `<j1-${kind}@junk.example>`,
    });
    await mailer.sendMail({
      from: 'ann@cust.example',
      to: desk,
      subject: 'Real question',
      text: 'Help',
      messageId: `<a1-${kind}@cust.example>`,
    });
    const [prize] = await caseWithSubject('Prize');
    const [pills] = await caseWithSubject('Cheap pills');
    const [real] = await caseWithSubject('Real question');
    expect([prize!.status, pills!.status, real!.status]).toEqual(['spam', 'spam', 'new']);
    const events = (await get(`/api/v1/cases/${prize!.id}/events`)).events.map((e: { type: string; data: { reason?: string } }) => [
      e.type,
      e.data.reason ?? null,
    ]);
    expect(events).toEqual([
      ['case.created', null],
      ['case.status_changed', 'blocked_sender'],
      ['case.message_created', null],
    ]);
    expect((await get(`/api/v1/cases/${prize!.id}/messages`)).messages.map((m: { body: string }) => m.body)).toEqual(['You won']);
    const work = await get('/api/v1/me/work');
    expect(work.next?.case.id).toBe(real!.id);
    expect(work.unassignedCount).toBe(1);
    const listed = (await get('/api/v1/cases?type=email&limit=50')).cases.map((c: { id: string }) => c.id);
    expect(listed).toEqual([real!.id]);
    const spam = (await get('/api/v1/cases?status=spam&limit=50')).cases.map((c: { id: string }) => c.id);
    expect(spam.sort()).toEqual([prize!.id, pills!.id].sort());
    // A reply in the spam thread joins the spam case and leaves it spam.
    await mailer.sendMail({
      from: 'eve@phish.example',
      to: desk,
      subject: 'Re: Prize',
      text: 'Claim it now',
      messageId: `<p2-${kind}@phish.example>`,
      inReplyTo: `<p1-${kind}@phish.example>`,
    });
    await eventually(async () => (await get(`/api/v1/cases/${prize!.id}/messages`)).messages.length === 2, 'the second mail');
    expect((await get(`/api/v1/cases/${prize!.id}`)).status).toBe('spam');
    expect(await caseWithSubject('Prize')).toHaveLength(1);
  });

  it('mail from a blocked sender in a real conversation starts a spam case of its own; the real case is untouched', async () => {
    await mailer.sendMail({
      from: 'bo@cust.example',
      to: desk,
      subject: 'Order 7',
      text: 'Where?',
      messageId: `<b1-${kind}@cust.example>`,
    });
    const [order] = await caseWithSubject('Order 7');
    await req(s.base, admin, 'POST', '/api/v1/blocklist', { entries: [{ kind: 'email', value: 'bo@cust.example' }] });
    await mailer.sendMail({
      from: 'bo@cust.example',
      to: desk,
      subject: 'Re: Order 7',
      text: 'Spam now',
      messageId: `<b2-${kind}@cust.example>`,
      inReplyTo: `<b1-${kind}@cust.example>`,
    });
    const cases = await eventually(async () => {
      const r = await caseWithSubject('Order 7');
      return r.length === 2 ? r : undefined;
    }, 'a second case');
    expect(cases.find((c) => c.id === order!.id)!.status).toBe('new');
    expect(cases.find((c) => c.id !== order!.id)!.status).toBe('spam');
    expect((await get(`/api/v1/cases/${order!.id}/messages`)).messages).toHaveLength(1);
  });

  it('mail failing DMARC under p=reject becomes spam; under p=none it is an ordinary case', async () => {
    await mailer.sendMail({
      from: 'ceo@strict.example',
      to: desk,
      subject: 'Wire transfer',
      text: 'Urgent',
      messageId: `<s1-${kind}@x.example>`,
    });
    await mailer.sendMail({ from: 'pat@lax.example', to: desk, subject: 'Lax question', text: 'Hi', messageId: `<l1-${kind}@x.example>` });
    const [wire] = await caseWithSubject('Wire transfer');
    const [lax] = await caseWithSubject('Lax question');
    expect(wire!.status).toBe('spam');
    expect(lax!.status).toBe('new');
    const [message] = (await get(`/api/v1/cases/${wire!.id}/messages`)).messages;
    expect(message.auth).toMatchObject({ dmarc: 'fail', dmarcPolicy: 'reject' });
    const reasons = (await get(`/api/v1/cases/${wire!.id}/events`)).events.map((e: { data: { reason?: string } }) => e.data.reason);
    expect(reasons).toContain('dmarc_reject');
  });

  it('a zero-byte mail is accepted (250, no retry) and kept as a case from its envelope sender', async () => {
    const codes = await rawSmtp(s.smtpPort, 'zero@empty.example', desk, Buffer.alloc(0));
    expect(codes.slice(-2)).toEqual([250, 221]);
    const c = await eventually(async () => {
      const r = await s.db.kysely
        .selectFrom('cases as c')
        .innerJoin('customers as cu', 'cu.id', 'c.customer_id')
        .select(['c.id', 'c.subject', 'c.status'])
        .where('cu.email', '=', 'zero@empty.example')
        .executeTakeFirst();
      return r;
    }, 'the empty mail’s case');
    expect(c).toMatchObject({ subject: '(no subject)', status: 'new' });
    expect((await get(`/api/v1/cases/${c.id}/messages`)).messages).toHaveLength(1);
    const pending = await s.db.kysely.selectFrom('inbound_messages').select('id').where('processed_at', 'is', null).execute();
    expect(pending).toEqual([]);
  });

  it('two empty mails without a Message-ID are two mails, each kept as a case (not the second a duplicate of the first)', async () => {
    for (let i = 0; i < 2; i++)
      expect((await rawSmtp(s.smtpPort, 'twice@empty.example', desk, Buffer.alloc(0))).slice(-2)).toEqual([250, 221]);
    const rows = await eventually(async () => {
      const r = await s.db.kysely
        .selectFrom('inbound_messages as i')
        .innerJoin('messages as m', 'm.id', 'i.message_id')
        .select(['i.provider_id', 'm.case_id'])
        .where('i.sender', '=', 'twice@empty.example')
        .execute();
      return r.length === 2 && r;
    }, 'both empty mails as messages');
    expect(new Set(rows.map((r) => r.provider_id)).size).toBe(2);
    expect(new Set(rows.map((r) => r.case_id)).size).toBe(2);
  });

  it('a malformed MIME mail (broken multipart, bad base64, raw 8-bit and NUL bytes) is kept with what could be read', async () => {
    const raw = Buffer.concat([
      Buffer.from(
        [
          'From: Mal <mal@broken.example>',
          `To: ${desk}`,
          'Subject: Broken =?utf-8?B?!!notbase64?= mail',
          'MIME-Version: 1.0',
          'Content-Type: multipart/mixed; boundary="never-closed"',
          '',
          '--never-closed',
          'Content-Type: text/plain; charset=utf-8',
          'Content-Transfer-Encoding: base64',
          '',
          '%%%% not base64 at all %%%%',
          '--never-closed',
          'Content-Type: application/octet-stream; name="x.bin"',
          'Content-Transfer-Encoding: quoted-printable',
          '',
          'Visible words =ZZ=4',
          '',
        ].join('\r\n'),
        'latin1',
      ),
      Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x0d, 0x0a]),
    ]);
    const codes = await rawSmtp(s.smtpPort, 'mal@broken.example', desk, raw);
    expect(codes.slice(-2)).toEqual([250, 221]);
    const c = await eventually(async () => {
      const r = await s.db.kysely
        .selectFrom('cases as c')
        .innerJoin('customers as cu', 'cu.id', 'c.customer_id')
        .select(['c.id', 'c.status'])
        .where('cu.email', '=', 'mal@broken.example')
        .executeTakeFirst();
      return r;
    }, 'the malformed mail’s case');
    expect(c.status).toBe('new');
    const messages = (await get(`/api/v1/cases/${c.id}/messages`)).messages as { body: string }[];
    expect(messages).toHaveLength(1);
    expect(messages[0]!.body).not.toContain('\u0000');
    const pending = await s.db.kysely.selectFrom('inbound_messages').select('id').where('processed_at', 'is', null).execute();
    expect(pending).toEqual([]);
  });
});
