import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, makeTeam, makeUser, type TestUser } from '../test-support/harness.ts';
import { eventually, http as req, startChannelServer, type ChannelServer } from '../test-support/channel-harness.ts';
import { startSmtpSink, type SmtpSink } from '../test-support/smtp-sink.ts';

/** A 1×1 PNG. */
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

type Message = {
  id: string;
  body: string;
  html?: string;
  attachments: { id: string; name: string; url: string | null; contentId: string | null }[];
};

/**
 * SPEC §13 HTML mail: the message keeps the mail's HTML sanitised by an allow-list (no script,
 * event handler, javascript: URL, style sheet, form or frame; CSS without url()), inline `cid:`
 * images pointing at their stored attachment, remote images left for the agent to allow.
 */
describe.each(DB_KINDS)('HTML mail (%s)', (kind) => {
  let s: ChannelServer;
  let agent: TestUser;
  let admin: TestUser;
  let mailer: Transporter;
  let sink: SmtpSink;

  beforeAll(async () => {
    sink = await startSmtpSink();
    s = await startChannelServer(kind, { channel: { smtpUrl: sink.url } });
    const team = await makeTeam(s.db, 'Mail team');
    admin = await makeUser(s.db, { role: 'admin' });
    agent = await makeUser(s.db, { role: 'agent', teamIds: [team] });
    const ch = await req(s.base, admin, 'POST', '/api/v1/channels', {
      type: 'email',
      name: 'Support',
      teamId: team,
      settings: { address: 'help@acme.test', signature: 'Kind regards,\n**Acme Support**' },
    });
    expect(ch.status).toBe(201);
    mailer = nodemailer.createTransport({ host: '127.0.0.1', port: s.smtpPort, secure: false, ignoreTLS: true });
  }, 240_000);
  afterAll(async () => {
    mailer?.close();
    await s?.close();
    await sink?.close();
  }, 60_000);

  const receive = async (subject: string, html: string, attachments: SendMailOptions['attachments'] = []) => {
    await mailer.sendMail({ from: 'Carla <carla@cust.test>', to: 'help@acme.test', subject, html, text: 'plain version', attachments });
    const c = await eventually(async () => {
      const list = (await req(s.base, admin, 'GET', '/api/v1/cases?type=email&limit=50')).data.cases as { id: string; subject: string }[];
      return list.find((x) => x.subject === subject);
    }, `the case "${subject}"`);
    return (await req(s.base, agent, 'GET', `/api/v1/cases/${c.id}/messages`)).data.messages[0] as Message;
  };

  it('drops scripts, event handlers, javascript: URLs, style sheets, forms and frames; keeps the text and layout', async () => {
    const m = await receive(
      'Hostile HTML',
      `<html><head><title>T</title><style>body{background:url(https://track.test/bg.png)}</style><script>alert('head')</script></head>
       <body onload="alert('load')"><p style="color: red; position: fixed; background-image: url(https://track.test/p.png)">Hello <b>there</b></p>
       <img src="x" onerror="alert('img')"><a href="javascript:alert('link')">click</a> <a href="https://acme.test/help">help</a>
       <svg><script>alert('svg')</script></svg><iframe src="https://evil.test"></iframe><form action="https://evil.test"><input name="q"></form>
       <table border="1"><tr><td colspan="2" style="padding: 4px">cell</td></tr></table><script>alert('body')</script></body></html>`,
    );
    expect(m.body).toBe('plain version');
    const html = m.html!;
    expect(html).toContain('Hello <b>there</b>');
    expect(html).toContain('<td colspan="2" style="padding:4px">cell</td>');
    expect(html).toContain('<p style="color:red">');
    for (const bad of [
      '<script',
      'alert',
      'onload',
      'onerror',
      'javascript:',
      '<style',
      '<iframe',
      '<form',
      '<input',
      '<svg',
      'url(',
      'position',
      '<title',
    ])
      expect(html).not.toContain(bad);
    expect(html).toContain('<a href="https://acme.test/help" target="_blank" rel="noopener noreferrer nofollow">help</a>');
  });

  it('points inline cid: images at their stored attachment; keeps remote images as written; refuses non-raster data: images and relative sources', async () => {
    const m = await receive(
      'Pictures',
      `<p>Inline: <img src="cid:logo@cust.test" alt="logo"></p><p>Remote: <img src="https://images.cust.test/banner.png" alt="banner"></p>
       <p>Data: <img src="data:image/png;base64,${PIXEL.toString('base64')}"> <img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" alt="svg"></p>
       <p>Relative: <img src="/api/v1/me" alt="rooted"> <img src="images/a.png" alt="relative"></p>`,
      [{ filename: 'logo.png', content: PIXEL, cid: 'logo@cust.test', contentType: 'image/png' }],
    );
    const logo = m.attachments.find((a) => a.name === 'logo.png')!;
    expect(logo.contentId).toBe('logo@cust.test');
    expect(m.html).toContain(`<img alt="logo" src="/api/v1/attachments/${logo.id}?disposition=inline" />`);
    expect(m.html).toContain('<img alt="banner" src="https://images.cust.test/banner.png" />');
    expect(m.html).toContain('<img src="data:image/png;base64,');
    expect(m.html).toContain('<img alt="svg" />');
    // Relative sources would load from this site with the agent's session: dropped.
    expect(m.html).toContain('<img alt="rooted" />');
    expect(m.html).toContain('<img alt="relative" />');
    const img = await fetch(`${s.base}/api/v1/attachments/${logo.id}?disposition=inline`, { headers: agent.headers });
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/png');
  });

  it('a plain-text mail has no html; replies and notes written in the app have none unless sent as email', async () => {
    await mailer.sendMail({ from: 'Dan <dan@cust.test>', to: 'help@acme.test', subject: 'Plain only', text: 'just text' });
    const c = await eventually(async () => {
      const list = (await req(s.base, admin, 'GET', '/api/v1/cases?type=email&limit=50')).data.cases as { id: string; subject: string }[];
      return list.find((x) => x.subject === 'Plain only');
    }, 'the plain case');
    const m = (await req(s.base, agent, 'GET', `/api/v1/cases/${c.id}/messages`)).data.messages[0] as Message;
    expect(m.html).toBeUndefined();
    const note = await req(s.base, agent, 'POST', `/api/v1/cases/${c.id}/messages`, { body: 'a **note**', internal: true });
    expect(note.data.html).toBeUndefined();
  });

  it('sends an email reply written in Markdown as HTML with a plain-text alternative, the signature and the files, threaded', async () => {
    const inbound = await receive('Reply with files', '<p>Can you send the invoice?</p>');
    const caseId = (await req(s.base, admin, 'GET', '/api/v1/cases?type=email&limit=50')).data.cases.find(
      (c: { subject: string }) => c.subject === 'Reply with files',
    ).id as string;
    const f = new FormData();
    f.append('file', new Blob([new Uint8Array(PIXEL)]), 'invoice.png');
    const up = await fetch(`${s.base}/api/v1/uploads`, { method: 'POST', headers: agent.headers, body: f });
    expect(up.status).toBe(201);
    const file = (await up.json()) as { id: string };
    const sent = await req(s.base, agent, 'POST', `/api/v1/cases/${caseId}/messages`, {
      body: 'Here it is, **paid** in full.\n\n- item one\n- item <two>\n\n[pay](javascript:alert(1))',
      attachmentIds: [file.id],
    });
    expect(sent.status, JSON.stringify(sent.data)).toBe(201);
    expect(sent.data.html).toContain('<strong>paid</strong>');
    expect(sent.data.html).not.toContain('href="javascript');
    expect(sent.data.html).not.toContain('<a ');
    expect(sent.data.html).toContain('item &lt;two&gt;');
    const mail = await eventually(
      async () => sink.mails.find((m) => m.subject?.startsWith('Re: Reply with files')),
      'the reply at the sink',
    );
    const raw = mail.raw.toString();
    expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/mixed' });
    expect(raw).toMatch(/Content-Type: multipart\/alternative/i);
    expect(mail.text).toContain('Here it is, **paid** in full.');
    expect(mail.text).toContain('-- \nKind regards,\n**Acme Support**');
    expect(mail.html).toContain('<strong>paid</strong>');
    expect(mail.html).toContain('<strong>Acme Support</strong>');
    expect(mail.attachments.map((a) => [a.filename, a.contentType, a.content.equals(PIXEL)])).toEqual([['invoice.png', 'image/png', true]]);
    const inboundId = (
      await s.db.kysely
        .selectFrom('message_channel_refs')
        .select('external_id')
        .where('message_id', '=', inbound.id)
        .executeTakeFirstOrThrow()
    ).external_id!;
    expect(mail.inReplyTo).toBe(inboundId);
    expect([mail.references].flat()).toContain(inboundId);
  });
});
