import { generateKeyPairSync } from 'node:crypto';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, makeTeam, makeUser, type TestUser } from '../test-support/harness.ts';
import { eventually, http as req, startChannelServer, type ChannelServer } from '../test-support/channel-harness.ts';
import { dovecotMissing, startDovecot, type Dovecot } from '../test-support/dovecot.ts';

// SPF, DKIM and DMARC verdicts (SPEC §13) checked by mailauth against a zone served by a local
// resolver function (DNS is loopback only here), on mail signed in the test with a generated key.
let dovecot: Dovecot;
let seq = 0;

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KEY = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const ZONE: Record<string, string[][]> = {
  'TXT:mail._domainkey.signed.example': [[`v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`]],
  'TXT:_dmarc.signed.example': [['v=DMARC1; p=reject']],
  'TXT:signed.example': [['v=spf1 ip4:127.0.0.0/8 -all']],
};
const resolver = async (name: string, type: string) => {
  const r = ZONE[`${type}:${name.toLowerCase()}`];
  if (r) return r;
  throw Object.assign(new Error(`${name} not found`), { code: 'ENOTFOUND' });
};

const signed = async (to: string, subject: string, id: string) => {
  const t = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
    dkim: { domainName: 'signed.example', keySelector: 'mail', privateKey: KEY },
  });
  return (
    await t.sendMail({ from: 'Sid <sid@signed.example>', to, subject, text: 'Signed and sealed.', messageId: `<${id}@signed.example>` })
  ).message as Buffer;
};

beforeAll(async () => {
  if (dovecotMissing) return;
  dovecot = await startDovecot();
});
afterAll(async () => {
  await dovecot?.stop();
});

describe.skipIf(dovecotMissing !== null).each(DB_KINDS)('SPF, DKIM and DMARC of inbound mail (%s)', (kind) => {
  let s: ChannelServer;
  let admin: TestUser;
  let user: string;
  let channelId: string;

  beforeAll(async () => {
    s = await startChannelServer(kind, {
      config: { mailCa: dovecot.cert },
      channel: { dnsResolver: resolver, imapScanMs: 100, imapPollMs: 300, imapLeaseMs: 3000, retryBaseMs: 1000, retryMaxMs: 2000 },
    });
    const team = await makeTeam(s.db, 'Mail team');
    admin = await makeUser(s.db, { role: 'admin' });
    user = `auth${++seq}-${kind}@acme.test`;
    await dovecot.addUser(user, 'desk-pw');
    const r = await req(s.base, admin, 'POST', '/api/v1/channels', {
      type: 'email',
      name: 'Desk',
      teamId: team,
      settings: { address: user, imap: { host: dovecot.host, port: dovecot.imapsPort, security: 'tls', user, password: 'desk-pw' } },
    });
    expect(r.status).toBe(201);
    channelId = r.data.id;
  });
  afterAll(async () => {
    await s?.close();
  });

  const firstMessage = (subject: string) =>
    eventually(async () => {
      const c = await s.db.kysely
        .selectFrom('case_channels as cc')
        .innerJoin('cases as c', 'c.id', 'cc.case_id')
        .select('c.id')
        .where('cc.channel_id', '=', channelId)
        .where('c.subject', '=', subject)
        .executeTakeFirst();
      if (!c) return undefined;
      return ((await req(s.base, admin, 'GET', `/api/v1/cases/${c.id}/messages`)).data.messages as any[])[0];
    }, `the mail "${subject}"`);

  it('a mail signed by its domain passes DKIM and DMARC; one changed on the way fails them; unsigned mail says none', async () => {
    const good = await signed(user, `Signed ${kind}`, `good-${kind}`);
    const bad = Buffer.from(
      (await signed(user, `Tampered ${kind}`, `bad-${kind}`)).toString('latin1').replace('Signed and sealed.', 'Pay to IBAN XX00.'),
      'latin1',
    );
    const plain = [
      'From: Pat <pat@plain.example>',
      `To: ${user}`,
      `Subject: Unsigned ${kind}`,
      `Message-ID: <plain-${kind}@plain.example>`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'No signature here.',
      '',
    ].join('\r\n');
    await dovecot.append(user, 'desk-pw', [good, bad, plain]);
    expect((await firstMessage(`Signed ${kind}`)).auth).toEqual({
      spf: 'none',
      dkim: 'pass',
      dmarc: 'pass',
      dmarcPolicy: 'reject',
      domain: 'signed.example',
    });
    const tampered = await firstMessage(`Tampered ${kind}`);
    expect(tampered.body).toContain('Pay to IBAN');
    expect(tampered.auth).toMatchObject({ dkim: expect.stringMatching(/^(neutral|fail)$/), dmarc: 'fail', dmarcPolicy: 'reject' });
    expect((await firstMessage(`Unsigned ${kind}`)).auth).toMatchObject({ spf: 'none', dkim: 'none', dmarc: 'none' });
  });

  it('over SMTP the connecting address is checked against SPF', async () => {
    const n = `${kind}-smtp-${seq}`;
    const mailer = nodemailer.createTransport({
      host: '127.0.0.1',
      port: s.smtpPort,
      secure: false,
      ignoreTLS: true,
      name: 'mx.signed.example',
    });
    await mailer.sendMail({ ...(await mailOf(n)), envelope: { from: 'sid@signed.example', to: user } } as never);
    mailer.close();
    const m = await firstMessage(`Over SMTP ${n}`);
    expect(m.auth).toMatchObject({ spf: 'pass', dkim: 'pass', dmarc: 'pass' });
  });

  const mailOf = async (n: string) => ({ raw: await signed(user, `Over SMTP ${n}`, `smtp-${n}`) });
});
