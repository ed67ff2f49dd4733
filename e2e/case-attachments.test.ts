import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ADMIN, freePort, startServer, type RunningServer } from './support/server.ts';
import { apiSession, seedOrg, strict, type Org } from './support/api.ts';
import { PHONE, launchBrowser, shot, signedIn } from './support/browser.ts';

/** Email attachments on the case page: a thumbnail for images and a download link for every file. */
describe('case page attachments', () => {
  let server: RunningServer;
  let browser: Browser;
  let org: Org;
  let smtpPort: number;
  let caseId = '';

  beforeAll(async () => {
    smtpPort = await freePort();
    server = await startServer({ env: { CASEWORK_SMTP_PORT: String(smtpPort) } });
    const admin = strict(await apiSession(server.url, ADMIN.email, ADMIN.password));
    org = await seedOrg(await apiSession(server.url, ADMIN.email, ADMIN.password));
    await admin('POST', '/channels', {
      type: 'email',
      name: 'Support mail',
      teamId: org.supportId,
      settings: { address: 'support@e2e.test' },
    });
    browser = await launchBrowser();

    // A real picture to attach: a screenshot of a small drawing.
    const painter = await browser.newPage({ viewport: { width: 240, height: 160 } });
    await painter.setContent(`<body style="margin:0"><div style="width:240px;height:160px;background:linear-gradient(135deg,#f4b740,#d9480f);
      display:flex;align-items:center;justify-content:center;font:bold 28px sans-serif;color:#fff">Dented box</div></body>`);
    const photo = await painter.screenshot({ type: 'png' });
    await painter.close();

    const mailer = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
    await mailer.sendMail({
      from: 'Carla Kunde <carla@cust.test>',
      to: 'support@e2e.test',
      subject: 'My parcel arrived damaged',
      text: 'Hello, the box was dented and the mug inside is broken. Photo and receipt attached.',
      attachments: [
        { filename: 'dented-box.png', content: photo, contentType: 'image/png' },
        { filename: 'receipt-2026-0412.pdf', content: Buffer.from('%PDF-1.4\n% receipt\n'), contentType: 'application/pdf' },
      ],
    });
    mailer.close();
    for (let tries = 0; !caseId && tries < 100; tries++) {
      const list = await admin<{ cases: { id: string; subject: string }[] }>('GET', '/cases?type=email');
      caseId = list.cases.find((c) => c.subject === 'My parcel arrived damaged')?.id ?? '';
      if (!caseId) await new Promise((r) => setTimeout(r, 100));
    }
    if (!caseId) throw new Error('the mail did not become a case');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the image as a thumbnail, every file with a download link, and no "[Attachment: …]" text', async () => {
    const { page, context, errors } = await signedIn(browser, server.url, org.users.alice, { width: 1280, height: 800 });
    await page.goto(`${server.url}/cases/${caseId}`);
    const files = page.getByRole('list', { name: 'Attachments' });
    await files.waitFor();
    await expect.poll(() => page.locator('.message-inbound').first().textContent()).toContain('the mug inside is broken');
    expect(await page.locator('.message-inbound').first().textContent()).not.toContain('[Attachment');

    const thumb = files.locator('img');
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(240);
    expect(await files.getByRole('link', { name: 'Download dented-box.png' }).isVisible()).toBe(true);
    expect(await files.textContent()).toContain('receipt-2026-0412.pdf');

    const download = page.waitForEvent('download');
    await files.getByRole('link', { name: 'Download receipt-2026-0412.pdf' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('receipt-2026-0412.pdf');
    await shot(page, 'case-attachments-laptop');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('reads well on a phone', async () => {
    const { page, context, errors } = await signedIn(browser, server.url, org.users.alice, PHONE);
    await page.goto(`${server.url}/cases/${caseId}`);
    const files = page.getByRole('list', { name: 'Attachments' });
    await files.waitFor();
    await expect.poll(() => files.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(240);
    const box = await files.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    await shot(page, 'case-attachments-phone');
    expect(errors).toEqual([]);
    await context.close();
  });
});
