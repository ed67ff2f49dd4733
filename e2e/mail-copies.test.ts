import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ADMIN, startServer, type RunningServer } from './support/server.ts';
import { apiSession, seedOrg, strict, type Org } from './support/api.ts';
import { launchBrowser, PHONE, shot, signedIn } from './support/browser.ts';
import { startSmtpSink, type SmtpSink } from '../packages/server/src/test-support/smtp-sink.ts';

// An agent starts an email conversation from New case and copies someone on a reply; the mail
// leaves through the server's relay (a sink on loopback) with To, Cc and Bcc as typed.
let server: RunningServer;
let browser: Browser;
let sink: SmtpSink;
let org: Org;

beforeAll(async () => {
  sink = await startSmtpSink();
  server = await startServer({ env: { CASEWORK_SMTP_URL: sink.url, CASEWORK_CHANNEL_POLL_MS: '200' } });
  const session = await apiSession(server.url, ADMIN.email, ADMIN.password);
  org = await seedOrg(session);
  await strict(session)('POST', '/channels', {
    type: 'email',
    name: 'Support mailbox',
    teamId: org.supportId,
    settings: { address: 'help@e2e.test', fromName: 'Northwind Support' },
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await sink?.close();
});

const waitFor = async <T>(check: () => T | undefined, what: string): Promise<T> => {
  for (let i = 0; i < 600; i++) {
    const v = check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
};
const addresses = (a: any) => (a?.value ?? []).map((v: any) => v.address);

describe('email copies and new email conversations', () => {
  it('an agent emails a customer from New case, then replies with Cc and Bcc; the conversation shows the copies', async () => {
    const alice = org.users.alice;
    const { page, context, errors } = await signedIn(browser, server.url, alice, { width: 1366, height: 900 });
    await page.goto(`${server.url}/cases/new`);
    await page.getByLabel('Email a customer').check();
    // The mailboxes load after the form shows: wait for the first to be chosen.
    await expect.poll(() => page.getByLabel('From').inputValue()).not.toBe('');
    await page.getByLabel('To (email)').fill('dana@customer.test');
    await page.getByLabel('Name (optional)').fill('Dana Customer');
    await page.getByRole('button', { name: 'Add Cc or Bcc' }).click();
    await page.getByLabel('Cc', { exact: true }).fill('not-an-address');
    await page.getByLabel('Subject').fill('Your replacement part');
    await page.getByLabel('Message').fill('Hello Dana,\nthe replacement part ships tomorrow.');
    await page.getByRole('button', { name: 'Send email' }).click();
    await page.getByText('Cc: Is not an email address').waitFor();
    await page.getByLabel('Cc', { exact: true }).fill('ops@customer.test');
    await shot(page, 'mail-new-email');
    await page.getByRole('button', { name: 'Send email' }).click();
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    const first = await waitFor(() => sink.mails.find((m) => m.subject?.startsWith('Your replacement part [#')), 'the first mail');
    expect(addresses(first.to)).toEqual(['dana@customer.test']);
    expect(addresses(first.cc)).toEqual(['ops@customer.test']);
    expect(first.text).toContain('the replacement part ships tomorrow');

    // The case is Alice's email case; she replies copying a colleague of the customer, and a blind copy.
    await page.getByRole('button', { name: 'Add Cc or Bcc' }).click();
    await page.getByLabel('Cc', { exact: true }).fill('lee@customer.test');
    await page.getByLabel('Bcc', { exact: true }).fill('archive@e2e.test');
    await page.getByLabel('Reply to the customer').fill('Adding Lee, who receives the parcel.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    // The first mail's delivery changed the case since the page loaded: the collision check may ask first.
    const anyway = page.getByRole('button', { name: 'Send anyway' });
    await anyway
      .waitFor({ timeout: 3000 })
      .then(() => anyway.click())
      .catch(() => undefined);
    const reply = await waitFor(() => sink.mails.find((m) => m.text?.includes('Adding Lee')), 'the reply');
    expect(addresses(reply.to)).toEqual(['dana@customer.test']);
    expect(addresses(reply.cc)).toEqual(['lee@customer.test']);
    expect(reply.headers.has('bcc')).toBe(false);
    expect(reply.rcptTo.sort()).toEqual(['archive@e2e.test', 'dana@customer.test', 'lee@customer.test']);
    const messages = page.locator('.message-outbound');
    await messages.nth(0).getByText('Cc: ops@customer.test').waitFor();
    await messages.nth(1).getByText('Cc: lee@customer.test').waitFor();
    await messages.nth(1).getByText('Bcc: archive@e2e.test').waitFor();
    await page.getByText('Email', { exact: true }).first().waitFor();
    await shot(page, 'mail-copies-case');
    await page.setViewportSize(PHONE);
    await page.getByRole('button', { name: 'Add Cc or Bcc' }).click();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await shot(page, 'mail-copies-case-phone');
    await page.goto(`${server.url}/cases/new`);
    await page.getByLabel('Email a customer').check();
    await page.getByRole('button', { name: 'Add Cc or Bcc' }).click();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await shot(page, 'mail-new-email-phone');
    expect(errors).toEqual([]);
    await context.close();
  });
});
