import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ADMIN, startServer, type RunningServer } from './support/server.ts';
import { apiSession, seedOrg, strict } from './support/api.ts';
import { launchBrowser, PHONE, shot, signedIn } from './support/browser.ts';
import { dovecotMissing, startDovecot, type Dovecot } from '../packages/server/src/test-support/dovecot.ts';
import { plainMail } from '../packages/server/src/test-support/real-world-mail.ts';

// A real Dovecot the server fetches from; its self-signed certificate is trusted through CASEWORK_MAIL_CA_FILE.
let dovecot: Dovecot;
let server: RunningServer;
let browser: Browser;
let caDir: string;
const MAILBOX = 'help@northwind.test';

beforeAll(async () => {
  if (dovecotMissing) return;
  dovecot = await startDovecot();
  await dovecot.addUser(MAILBOX, 'mailbox-pw');
  await dovecot.append(MAILBOX, 'mailbox-pw', [plainMail(MAILBOX, 'e2e-1'), plainMail(MAILBOX, 'e2e-2')]);
  caDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-ca-'));
  fs.writeFileSync(path.join(caDir, 'ca.pem'), dovecot.cert);
  server = await startServer({ env: { CASEWORK_MAIL_CA_FILE: path.join(caDir, 'ca.pem'), CASEWORK_IMAP_SCAN_MS: '300' } });
  await seedOrg(await apiSession(server.url, ADMIN.email, ADMIN.password));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await dovecot?.stop();
  if (caDir) fs.rmSync(caDir, { recursive: true, force: true });
});

describe.skipIf(dovecotMissing !== null)('an email channel fetching from a mailbox', () => {
  it('is set up with IMAP settings, shows the login error and the Test connection result, then fetches once the password is right', async () => {
    const { page, context, errors } = await signedIn(browser, server.url, ADMIN, { width: 1366, height: 900 });
    await page.goto(`${server.url}/admin/channels`);
    await page.getByText('No channels yet').waitFor();

    await page.getByRole('button', { name: 'New channel' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Type').selectOption('email');
    await dialog.getByLabel('Name', { exact: true }).fill('Northwind help');
    await dialog.getByLabel('Team').selectOption({ label: 'Support' });
    await dialog.getByLabel('Email address').fill(MAILBOX);
    const incoming = dialog.getByRole('group', { name: 'Incoming mail (IMAP)' });
    await incoming.getByLabel('Server').fill(dovecot.host);
    await incoming.getByLabel('Port').fill(String(dovecot.imapPort));
    await incoming.getByLabel('Security').selectOption('starttls');
    await incoming.getByLabel('User name').fill(MAILBOX);
    await incoming.getByLabel('Password').fill('not-the-password');
    expect(await incoming.getByLabel('Folder').getAttribute('placeholder')).toBe('INBOX');
    await shot(page, 'channels-mailbox-dialog');
    await dialog.getByRole('button', { name: 'Create channel' }).click();
    await dialog.waitFor({ state: 'detached' });

    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Northwind help' }) });
    await card.getByText(`${dovecot.host}:${dovecot.imapPort}`).waitFor();
    // The fetch job reports the refused login on the card (the list refreshes when the page is revisited).
    await expect
      .poll(
        async () => {
          await page.reload();
          return card
            .getByRole('alert')
            .textContent({ timeout: 2000 })
            .catch(() => '');
        },
        { timeout: 30_000 },
      )
      .toMatch(/Cannot fetch mail\. Login refused by 127\.0\.0\.2:\d+/);
    await card.getByText('No successful check yet').waitFor();
    await card.getByRole('button', { name: 'Test connection' }).click();
    const result = card.getByRole('status');
    await result.getByText(/Incoming \(IMAP\):.*Login refused/).waitFor({ timeout: 30_000 });
    await result.getByText(/Outgoing \(SMTP\):.*No outgoing mail server/).waitFor();
    await shot(page, 'channels-mailbox-error');

    await card.getByRole('button', { name: 'Edit channel Northwind help' }).click();
    const edit = page.getByRole('dialog');
    const editIncoming = edit.getByRole('group', { name: 'Incoming mail (IMAP)' });
    expect(await editIncoming.getByLabel('Server').inputValue()).toBe(dovecot.host);
    await editIncoming.getByRole('button', { name: 'Change password' }).click();
    await editIncoming.getByLabel('Password').fill('mailbox-pw');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });

    await expect
      .poll(
        async () => {
          await page.reload();
          return card
            .getByText(/Last successful check/)
            .textContent({ timeout: 2000 })
            .catch(() => '');
        },
        { timeout: 30_000 },
      )
      .toMatch(/2 mails taken/);
    expect(await card.getByRole('alert').count()).toBe(0);
    await card.getByRole('button', { name: 'Test connection' }).click();
    await result.getByText(/Incoming \(IMAP\): Signed in to 127\.0\.0\.2:\d+; INBOX holds 2 messages/).waitFor({ timeout: 30_000 });
    await shot(page, 'channels-mailbox-ok-laptop');

    const api = strict(await apiSession(server.url, ADMIN.email, ADMIN.password));
    const cases = (await api<{ cases: { subject: string }[] }>('GET', '/cases?type=email&limit=10')).cases.map((c) => c.subject).sort();
    expect(cases).toEqual(['Question e2e-1', 'Question e2e-2']);

    await page.setViewportSize(PHONE);
    await card.getByRole('button', { name: 'Test connection' }).click();
    await result.getByText(/Signed in to/).waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await shot(page, 'channels-mailbox-ok-phone');
    await card.getByRole('button', { name: 'Edit channel Northwind help' }).click();
    await page.getByRole('dialog').getByRole('group', { name: 'Outgoing mail (SMTP submission)' }).scrollIntoViewIfNeeded();
    await shot(page, 'channels-mailbox-dialog-phone');
    expect(errors).toEqual([]);
    await context.close();
  });
});
