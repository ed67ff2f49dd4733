import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { parse as parseDisposition } from 'content-disposition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, makeTeam, makeUser, type TestUser } from '../test-support/harness.ts';
import { eventually, http as req, startChannelServer, type ChannelServer } from '../test-support/channel-harness.ts';

/** A 1×1 PNG. */
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

type Attachment = { id: string; filename: string | null; contentType: string; size: number; url: string | null };
type Message = { id: string; body: string; direction: string; attachments: Attachment[] };

/**
 * SPEC §15 / issue 12: attachments of inbound email are listed on their message with a download
 * link, served through the case's visibility check, as downloads with a safe filename (images may
 * be shown in place), never as a page in the app's origin.
 */
describe.each(DB_KINDS)('email attachments (%s)', (kind) => {
  let s: ChannelServer;
  let agent: TestUser;
  let outsider: TestUser;
  let admin: TestUser;
  let mailer: Transporter;

  beforeAll(async () => {
    s = await startChannelServer(kind, { channel: { maxAttachmentBytes: 1000 } });
    const team = await makeTeam(s.db, 'Mail team');
    const otherTeam = await makeTeam(s.db, 'Other team');
    admin = await makeUser(s.db, { role: 'admin' });
    agent = await makeUser(s.db, { role: 'agent', teamIds: [team] });
    outsider = await makeUser(s.db, { role: 'agent', teamIds: [otherTeam] });
    const ch = await req(s.base, admin, 'POST', '/api/v1/channels', {
      type: 'email',
      name: 'Support mail',
      teamId: team,
      settings: { address: 'support@acme.test' },
    });
    expect(ch.status).toBe(201);
    mailer = nodemailer.createTransport({ host: '127.0.0.1', port: s.smtpPort, secure: false, ignoreTLS: true });
  });
  afterAll(async () => {
    mailer.close();
    await s.close();
  });

  /** Sends a mail and waits for its case; returns the case id and its first message. */
  const receive = async (subject: string, attachments: SendMailOptions['attachments'], text = 'Please see the attached files.') => {
    await mailer.sendMail({ from: 'Bob <bob@cust.test>', to: 'support@acme.test', subject, text, attachments });
    const c = await eventually(async () => {
      const list = (await req(s.base, admin, 'GET', '/api/v1/cases?type=email&limit=50')).data.cases as { id: string; subject: string }[];
      return list.find((x) => x.subject === subject);
    }, `the case "${subject}"`);
    const r = await req(s.base, agent, 'GET', `/api/v1/cases/${c.id}/messages`);
    expect(r.status).toBe(200);
    return { caseId: c.id, message: (r.data.messages as Message[])[0]! };
  };
  const download = (path: string, user: TestUser | null) => fetch(`${s.base}${path}`, { headers: user?.headers ?? {} });
  const byName = (m: Message, name: string) => m.attachments.find((a) => a.filename === name)!;
  const disposition = (r: Response) => {
    const d = parseDisposition(r.headers.get('content-disposition')!);
    return { type: d.type, filename: d.parameters.filename };
  };

  it('lists attachments on the message (no "[Attachment: …]" text) and downloads them with safe headers', async () => {
    const { caseId, message } = await receive('Photo of the damage', [
      { filename: 'damage.png', content: PIXEL, contentType: 'image/png' },
      { filename: 'Rechnung März.pdf', content: Buffer.from('%PDF-1.4 tiny'), contentType: 'application/pdf' },
      { filename: 'big.bin', content: Buffer.alloc(5000, 1), contentType: 'application/octet-stream' },
    ]);
    expect(message.body).toBe('Please see the attached files.');
    expect(message.body).not.toContain('[Attachment');
    expect(message.attachments.map((a) => [a.filename, a.contentType, a.size])).toEqual([
      ['damage.png', 'image/png', PIXEL.length],
      ['Rechnung März.pdf', 'application/pdf', 13],
      ['big.bin', 'application/octet-stream', 5000],
    ]);
    const png = byName(message, 'damage.png');
    expect(png.url).toBe(`/api/v1/attachments/${png.id}`);
    // The case-scoped address serves the same file.
    expect((await download(`/api/v1/cases/${caseId}/attachments/${png.id}`, agent)).status).toBe(200);
    expect(byName(message, 'big.bin').url).toBeNull();

    const dl = await download(png.url!, agent);
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-type')).toBe('image/png');
    expect(disposition(dl)).toEqual({ type: 'attachment', filename: 'damage.png' });
    expect(dl.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await dl.arrayBuffer()).equals(PIXEL)).toBe(true);

    const thumb = await download(`${png.url}?disposition=inline`, agent);
    expect(disposition(thumb)).toEqual({ type: 'inline', filename: 'damage.png' });
    expect(thumb.headers.get('content-type')).toBe('image/png');

    const pdf = await download(byName(message, 'Rechnung März.pdf').url!, agent);
    expect(pdf.headers.get('content-type')).toBe('application/octet-stream');
    // An ASCII fallback for old clients, the real name in RFC 8187 form.
    expect(pdf.headers.get('content-disposition')).toBe(
      `attachment; filename="Rechnung M?rz.pdf"; filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf`,
    );
    expect(disposition(pdf)).toEqual({ type: 'attachment', filename: 'Rechnung März.pdf' });
    expect(await pdf.text()).toBe('%PDF-1.4 tiny');

    const big = byName(message, 'big.bin');
    expect((await download(`/api/v1/cases/${caseId}/attachments/${big.id}`, agent)).status).toBe(404);
    expect((await download(`/api/v1/attachments/${big.id}`, agent)).status).toBe(404);
  });

  it('customer-supplied HTML, SVG and path-like names are never served to run in the app: octet-stream, attachment, plain name', async () => {
    const { message } = await receive('Strange files', [
      { filename: '../../etc/pass"wd.html', content: '<script>alert(1)</script>', contentType: 'text/html' },
      {
        filename: 'logo.svg',
        content: '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        contentType: 'image/svg+xml',
      },
    ]);
    const [html, svg] = message.attachments;
    for (const [a, name] of [
      [html!, 'passwd.html'],
      [svg!, 'logo.svg'],
    ] as const) {
      for (const query of ['', '?disposition=inline']) {
        const r = await download(`${a.url}${query}`, agent);
        expect(r.status).toBe(200);
        expect(r.headers.get('content-type')).toBe('application/octet-stream');
        expect(disposition(r)).toEqual({ type: 'attachment', filename: name });
        expect(r.headers.get('x-content-type-options')).toBe('nosniff');
        expect(r.headers.get('content-security-policy')).toMatch(/sandbox.*frame-ancestors 'none'/);
      }
    }
  });

  it("visibility: another team's agent gets 404, no credentials 401, an attachment of another case 404, a bad disposition 400", async () => {
    const first = await receive('Visible only to the mail team', [{ filename: 'a.png', content: PIXEL, contentType: 'image/png' }]);
    const second = await receive('Another case', [{ filename: 'b.png', content: PIXEL, contentType: 'image/png' }]);
    const url = first.message.attachments[0]!.url!;
    expect((await download(url, outsider)).status).toBe(404);
    expect(await (await download(url, outsider)).text()).not.toContain('PNG');
    expect((await req(s.base, outsider, 'GET', `/api/v1/cases/${first.caseId}/messages`)).status).toBe(404);
    expect((await download(url, null)).status).toBe(401);
    const crossed = `/api/v1/cases/${first.caseId}/attachments/${second.message.attachments[0]!.id}`;
    expect((await download(crossed, agent)).status).toBe(404);
    expect((await download(`/api/v1/cases/${first.caseId}/attachments/not-an-id`, agent)).status).toBe(404);
    expect((await download(`${url}?disposition=evil`, agent)).status).toBe(400);
    expect((await download(url, admin)).status).toBe(200);
  });

  it('a mail with only an attachment has an empty text, not a placeholder', async () => {
    const { message } = await receive('Just a file', [{ filename: 'only.png', content: PIXEL, contentType: 'image/png' }], '');
    expect(message.body).toBe('');
    expect(message.attachments).toHaveLength(1);
  });
});
