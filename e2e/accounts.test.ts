import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ADMIN, startServer, type RunningServer } from './support/server.ts';
import { launchBrowser, LAPTOP, PHONE, shot, signedIn } from './support/browser.ts';
import { startSmtpSink, type SmtpSink } from '../packages/server/src/test-support/smtp-sink.ts';
import { mailTo, tokenFromMail } from '../packages/server/src/test-support/accounts.ts';

/** The link in the text part of the newest mail to this address. */
async function linkFromMail(sink: SmtpSink, address: string, from: number): Promise<string> {
  const mail = await mailTo(sink, address, from);
  tokenFromMail(mail);
  return /(https?:\/\/\S+#token=\S+)/.exec(mail.text ?? '')![1]!;
}

/** Both widths, axe-checked, for a page already showing. */
async function shots(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1366, height: 860 });
  await shot(page, `${name}-1366`);
  await page.setViewportSize(PHONE);
  await shot(page, `${name}-390`);
  await page.setViewportSize(LAPTOP);
}

describe('accounts: invitations and password reset by email', () => {
  let server: RunningServer;
  let browser: Browser;
  let sink: SmtpSink;

  beforeAll(async () => {
    sink = await startSmtpSink();
    server = await startServer({ env: { CASEWORK_SMTP_URL: sink.url } });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await sink?.close();
  });

  it('an admin invites, the invitee follows the mailed link, sets name and password and is signed in', async () => {
    const { page, context, errors } = await signedIn(browser, server.url, ADMIN);
    await page.goto(`${server.url}/admin/users`);
    await page.getByRole('heading', { name: 'Pending invitations' }).waitFor();
    await page.getByRole('button', { name: 'Invite people' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Email').fill('ivy@e2e.test');
    await dialog.getByLabel('Name').fill('Ivy Invitee');
    await dialog.getByLabel('Role').selectOption('agent');
    await shots(page, 'accounts-invite-dialog');
    const from = sink.mails.length;
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByRole('row', { name: /ivy@e2e\.test/ }).waitFor();
    await shots(page, 'accounts-users-invitations');
    const link = await linkFromMail(sink, 'ivy@e2e.test', from);
    await context.close();

    const invitee = await browser.newContext({ viewport: LAPTOP });
    const p = await invitee.newPage();
    await p.goto(link);
    await p.getByRole('heading', { name: /Join/ }).waitFor();
    expect(await p.getByText('ivy@e2e.test').count()).toBe(1);
    await p.getByLabel('Your name').fill('Ivy Ivanova');
    await p.getByLabel('New password', { exact: true }).fill('ivy-password-1');
    await p.getByLabel('Repeat the new password').fill('ivy-password-1');
    await shots(p, 'accounts-invitation');
    await p.getByRole('button', { name: 'Create my account' }).click();
    await p.waitForURL((url) => url.pathname === '/');
    await p.getByText('Ivy Ivanova').first().waitFor();
    // The link worked once.
    await p.goto(link);
    await p.getByRole('heading', { name: 'This invitation cannot be used' }).waitFor();
    expect(await p.getByRole('alert').first().textContent()).toMatch(/already been used/);
    await shots(p, 'accounts-invitation-used');
    await invitee.close();
    expect(errors).toEqual([]);
  });

  it('forgot password → the mailed link → a new password; the old one stops working', async () => {
    const context = await browser.newContext({ viewport: LAPTOP });
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await shots(page, 'accounts-login');
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
    await page.getByLabel('Email').fill('ivy@e2e.test');
    await shots(page, 'accounts-forgot');
    const from = sink.mails.length;
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    await shots(page, 'accounts-forgot-sent');
    const link = await linkFromMail(sink, 'ivy@e2e.test', from);
    await page.goto(link);
    await page.getByLabel('New password', { exact: true }).fill('ivy-password-2');
    await page.getByLabel('Repeat the new password').fill('ivy-password-2');
    await shots(page, 'accounts-reset');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByRole('heading', { name: 'Password changed' }).waitFor();
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Email').fill('ivy@e2e.test');
    await page.getByLabel('Password', { exact: true }).fill('ivy-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The email or password is incorrect.').waitFor();
    await page.getByLabel('Password', { exact: true }).fill('ivy-password-2');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await context.close();
  });

  it('the invitee turns on two-factor sign-in, signs out, and signs in with password and code; a recovery code works once', async () => {
    const { page, context } = await signedIn(browser, server.url, { email: 'ivy@e2e.test', password: 'ivy-password-2' });
    await page.getByRole('link', { name: 'Security' }).click();
    await page.getByRole('heading', { name: 'Two-factor sign-in' }).waitFor();
    await shots(page, 'accounts-security-off');
    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    const secret = ((await page.locator('.twofa-key').textContent()) ?? '').replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]+$/);
    await shots(page, 'accounts-security-setup');
    await page.getByLabel('Enter the 6-digit code from the app').fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    const enrolStep = Math.floor(Date.now() / 30_000);
    const list = page.getByRole('list', { name: 'Recovery codes' });
    await list.waitFor();
    const recovery = (await list.locator('code').allTextContents()).map((c) => c.trim());
    expect(recovery).toHaveLength(10);
    await shots(page, 'accounts-security-codes');
    await page.getByRole('button', { name: 'I have saved my recovery codes' }).click();
    await page.getByText(/unused\s+recovery code/).waitFor();
    await shots(page, 'accounts-security-on');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/login'));

    await page.getByLabel('Email').fill('ivy@e2e.test');
    await page.getByLabel('Password', { exact: true }).fill('ivy-password-2');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Two-factor sign-in' }).waitFor();
    await page.getByLabel('Authentication code').fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('That code is not correct. Try again.').waitFor();
    await shots(page, 'accounts-login-2fa');
    // A code of a later step than the enrolment's (each step's code is accepted once).
    while (Math.floor(Date.now() / 30_000) <= enrolStep) await page.waitForTimeout(500);
    const code = await generate({ secret });
    await page.getByLabel('Authentication code').fill(code);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/login'));

    // A recovery code, once.
    for (const expectOk of [true, false]) {
      await page.getByLabel('Email').fill('ivy@e2e.test');
      await page.getByLabel('Password', { exact: true }).fill('ivy-password-2');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Use a recovery code' }).click();
      await page.getByLabel('Recovery code').fill(recovery[0]!);
      if (expectOk) await shots(page, 'accounts-login-recovery');
      await page.getByRole('button', { name: 'Verify' }).click();
      if (expectOk) {
        await page.waitForURL((url) => url.pathname === '/');
        await page.getByRole('button', { name: 'Sign out' }).click();
        await page.waitForURL((url) => url.pathname.startsWith('/login'));
      } else {
        await page.getByText('That code is not correct. Try again.').waitFor();
      }
    }
    await context.close();
  });
});
