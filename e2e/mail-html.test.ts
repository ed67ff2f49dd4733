import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ADMIN, freePort, startServer, type RunningServer } from './support/server.ts';
import { apiSession, seedOrg, strict, type Org } from './support/api.ts';
import { LAPTOP, PHONE, launchBrowser, shot, signedIn } from './support/browser.ts';
import { startSmtpSink, type SmtpSink } from '../packages/server/src/test-support/smtp-sink.ts';

const DESKTOP = { width: 1366, height: 900 };
const INBOUND_ID = '<order-4711-question@cust.test>';

/**
 * SPEC §13 HTML mail in the browser: an inbound HTML mail shows sanitised in a sandboxed frame with
 * its inline image, its remote image blocked until the agent allows it, its script never run; a
 * reply written in Markdown with a file (chosen, dropped, one removed before sending) reaches the
 * mail server as multipart/mixed with an HTML + text alternative, the signature and the threading headers.
 */
describe('HTML mail on the case page', () => {
  let server: RunningServer;
  let browser: Browser;
  let org: Org;
  let sink: SmtpSink;
  let images: http.Server;
  let imageHits = 0;
  let imageUrl = '';
  let caseId = '';
  let photo: Buffer;

  beforeAll(async () => {
    sink = await startSmtpSink();
    browser = await launchBrowser();
    const painter = await browser.newPage({ viewport: { width: 200, height: 80 } });
    await painter.setContent(
      '<body style="margin:0;background:#2459d6;color:#fff;font:bold 24px sans-serif;padding:20px">Summer sale</body>',
    );
    photo = await painter.screenshot({ type: 'png' });
    await painter.close();
    images = http.createServer((_req, res) => {
      imageHits++;
      res.writeHead(200, { 'content-type': 'image/png' }).end(photo);
    });
    await new Promise<void>((r) => images.listen(0, '127.0.0.1', () => r()));
    imageUrl = `http://127.0.0.1:${(images.address() as AddressInfo).port}/banner.png`;

    const smtpPort = await freePort();
    server = await startServer({ env: { CASEWORK_SMTP_PORT: String(smtpPort), CASEWORK_SMTP_URL: sink.url } });
    const admin = strict(await apiSession(server.url, ADMIN.email, ADMIN.password));
    org = await seedOrg(await apiSession(server.url, ADMIN.email, ADMIN.password));
    await admin('POST', '/channels', {
      type: 'email',
      name: 'Support mail',
      teamId: org.supportId,
      settings: { address: 'support@e2e.test', fromName: 'Northwind Support', signature: 'Kind regards,\n**Northwind Support**' },
    });
    const mailer = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
    await mailer.sendMail({
      from: 'Carla Kunde <carla@cust.test>',
      to: 'support@e2e.test',
      subject: 'Where is order 4711?',
      messageId: INBOUND_ID,
      text: 'Hello team, where is my order 4711? Carla',
      html: `<div style="font-family:Georgia,serif"><p>Hello <b>team</b>,</p><p>where is my order <i>4711</i>? Our logo: <img src="cid:logo@cust.test" alt="Carla's logo" width="120"></p>
        <p><img src="${imageUrl}" alt="Summer sale banner" width="200"></p><script>parent.document.body.dataset.pwned = 'script'</script>
        <img src="x" onerror="parent.document.body.dataset.pwned = 'handler'"><p><a href="javascript:parent.document.body.dataset.pwned='link'">Track it</a></p>
        <blockquote>Earlier: thanks for your order!</blockquote><p>Carla</p></div>`,
      attachments: [{ filename: 'logo.png', content: photo, cid: 'logo@cust.test', contentType: 'image/png' }],
    });
    mailer.close();
    for (let tries = 0; !caseId && tries < 200; tries++) {
      const list = await admin<{ cases: { id: string; subject: string }[] }>('GET', '/cases?type=email');
      caseId = list.cases.find((c) => c.subject === 'Where is order 4711?')?.id ?? '';
      if (!caseId) await new Promise((r) => setTimeout(r, 100));
    }
    if (!caseId) throw new Error('the mail did not become a case');
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await sink?.close();
    await new Promise((r) => images?.close(r));
  });

  const mailFrame = async (page: Page) => {
    const frame = page.frameLocator('iframe.mail-html-frame').first();
    await frame.locator('body').getByText('where is my order').waitFor();
    return frame;
  };

  it('shows an HTML mail sanitised in a frame: inline image shown, remote image blocked until allowed, no script run', async () => {
    const { page, context, errors } = await signedIn(browser, server.url, org.users.alice, DESKTOP);
    await page.goto(`${server.url}/cases/${caseId}`);
    const frame = await mailFrame(page);
    expect(await frame.locator('b').textContent()).toBe('team');
    // The inline (cid:) image is the stored attachment, loaded; it is not listed again as a file.
    const logo = frame.getByAltText("Carla's logo");
    await expect.poll(() => logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(200);
    expect(await page.getByRole('list', { name: 'Attachments' }).count()).toBe(0);
    // The remote image is not requested until the agent says so.
    const notice = page.getByRole('note').filter({ hasText: 'remote image is blocked' });
    await notice.waitFor();
    expect(await frame.getByAltText('Summer sale banner').getAttribute('src')).toBeNull();
    expect(imageHits).toBe(0);
    await shot(page, 'mail-html-blocked-laptop');
    await notice.getByRole('button', { name: 'Show images' }).click();
    const banner = frame.getByAltText('Summer sale banner');
    await expect.poll(() => banner.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(200);
    expect(imageHits).toBeGreaterThan(0);
    expect(await notice.count()).toBe(0);
    // Nothing of the mail ran: no script, no handler, no javascript: link.
    expect(await page.evaluate(() => document.body.dataset.pwned)).toBeUndefined();
    expect(await frame.getByText('Track it').getAttribute('href')).toBeNull();
    expect(await page.locator('iframe.mail-html-frame').first().getAttribute('sandbox')).not.toContain('allow-scripts');
    await shot(page, 'mail-html-shown-laptop');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('reads well on a phone, the remote image blocked again in a new session', async () => {
    const before = imageHits;
    const { page, context, errors } = await signedIn(browser, server.url, org.users.alice, PHONE);
    await page.goto(`${server.url}/cases/${caseId}`);
    const frame = await mailFrame(page);
    await page.getByRole('note').filter({ hasText: 'remote image is blocked' }).waitFor();
    expect(await frame.getByAltText('Summer sale banner').getAttribute('src')).toBeNull();
    expect(imageHits).toBe(before);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await shot(page, 'mail-html-phone');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('sends a Markdown reply with a file as HTML + text with the signature, threaded; a dropped file removed first is not sent', async () => {
    const { page, context, errors } = await signedIn(browser, server.url, org.users.alice, LAPTOP);
    await page.goto(`${server.url}/cases/${caseId}`);
    await mailFrame(page);
    const box = page.getByLabel('Reply to the customer');
    await box.fill(
      'Hi Carla,\n\nyour order **4711** left our warehouse today:\n\n- tracking: [NW-4711](https://track.example/NW-4711)\n- due _Friday_',
    );
    await page.locator('input[type=file]').setInputFiles({ name: 'invoice-4711.png', mimeType: 'image/png', buffer: photo });
    const files = page.getByRole('list', { name: 'Files to send' });
    await files.getByText('invoice-4711.png').waitFor();
    // A second file dropped on the box, then removed before sending.
    await page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['not this one'], 'draft-notes.txt', { type: 'text/plain' }));
      document.querySelector('#reply')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await files.getByText('draft-notes.txt').waitFor();
    await expect.poll(() => files.locator('progress').count()).toBe(0);
    expect(await files.locator('img').count()).toBe(1);
    await shot(page, 'mail-html-reply-files-laptop');
    await files.getByRole('button', { name: 'Remove draft-notes.txt' }).click();
    await page.getByRole('button', { name: 'Send reply' }).click();

    const sent = () => sink.mails.find((m) => m.subject?.startsWith('Re: Where is order 4711?'));
    await expect.poll(() => sent() !== undefined, { timeout: 30_000 }).toBe(true);
    const mail = sent();
    const raw = mail!.raw.toString();
    expect(raw).toMatch(/^Content-Type: multipart\/mixed/im);
    expect(raw).toMatch(/Content-Type: multipart\/alternative/i);
    expect(mail!.inReplyTo).toBe(INBOUND_ID);
    expect([mail!.references].flat()).toContain(INBOUND_ID);
    expect(mail!.html).toContain('<strong>4711</strong>');
    expect(mail!.html).toContain('<a href="https://track.example/NW-4711"');
    expect(mail!.html).toContain('<strong>Northwind Support</strong>');
    expect(mail!.text).toContain('your order **4711** left our warehouse today');
    expect(mail!.text).toContain('-- \nKind regards,\n**Northwind Support**');
    expect(mail!.attachments.map((a) => [a.filename, a.contentType, a.content.equals(photo)])).toEqual([
      ['invoice-4711.png', 'image/png', true],
    ]);
    // The reply shows on the case as it was sent, with its file.
    const reply = page.locator('.message-outbound').last();
    await reply.getByRole('link', { name: 'Download invoice-4711.png' }).waitFor();
    await shot(page, 'mail-html-reply-sent-laptop');
    expect(errors).toEqual([]);
    await context.close();
  });
});
