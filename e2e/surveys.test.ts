import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { apiSession, seedOrg, strict, type CaseJson, type Org } from './support/api.ts';
import { launchBrowser, PHONE, shot, signedIn } from './support/browser.ts';
import { ADMIN, startServer, type RunningServer } from './support/server.ts';
import { createDatabase } from './support/postgres.ts';
import { twilioSignature } from '../packages/server/src/channels/sms/twilio-signature.ts';

/** A stand-in SMS provider on loopback that keeps the texts it is given. */
async function smsProvider() {
  const sent: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += String(c)));
    req.on('end', () => {
      sent.push(new URLSearchParams(body).get('Body') ?? '');
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sid: `SM${sent.length}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    sent,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const TOKEN = 'e2e-sms-token';
const LAPTOP = { width: 1366, height: 900 };

describe('satisfaction survey: the customer rates, the agent sees it on the case', () => {
  let server: RunningServer;
  let browser: Browser;
  let provider: Awaited<ReturnType<typeof smsProvider>>;
  let org: Org;
  let caseItem: CaseJson;
  let database: Awaited<ReturnType<typeof createDatabase>>;

  beforeAll(async () => {
    provider = await smsProvider();
    // PostgreSQL: the server is ready sooner than over a fresh embedded folder on a busy machine.
    database = await createDatabase();
    server = await startServer({
      databaseUrl: database.url,
      env: { CASEWORK_OUTBOUND_ALLOW: '127.0.0.0/8,::1', CASEWORK_CHANNEL_POLL_MS: '200' },
    });
    const admin = strict(await apiSession(server.url, ADMIN.email, ADMIN.password));
    org = await seedOrg(await apiSession(server.url, ADMIN.email, ADMIN.password));
    const sms = await admin<{ id: string; surveys: boolean }>('POST', '/channels', {
      type: 'sms',
      name: 'Support SMS',
      teamId: org.supportId,
      settings: { accountSid: 'ACe2e', phoneNumber: '+15550100', authToken: TOKEN, apiBaseUrl: provider.url },
    });
    expect(sms.surveys).toBe(true);
    const url = `${server.url}/webhooks/sms/${sms.id}`;
    const params = { MessageSid: 'SMin1', From: '+491701234567', To: '+15550100', Body: 'My invoice shows the wrong address' };
    const res = await fetch(url, {
      method: 'POST',
      body: new URLSearchParams(params).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(TOKEN, url, params) },
    });
    expect(res.status).toBe(200);
    caseItem = (await admin<{ cases: CaseJson[] }>('GET', '/cases?type=sms')).cases[0]!;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await provider?.close();
    await database?.drop();
  });

  it('resolving texts the customer a link; the page shows only the reference; the rating appears live on the case', async () => {
    const alice = strict(await apiSession(server.url, org.users.alice.email, org.users.alice.password));
    await alice('POST', `/cases/${caseItem.id}/claim`);
    await alice('POST', `/cases/${caseItem.id}/messages`, { body: 'Fixed: the next invoice has the new address.' });
    await alice('POST', `/cases/${caseItem.id}/resolve`, { resolution: 'completed' });
    await expect.poll(() => provider.sent.find((t) => t.includes('/survey/')), { timeout: 20_000 }).toBeTruthy();
    const link = /https?:\/\/\S+\/survey\/\S+/.exec(provider.sent.find((t) => t.includes('/survey/'))!)![0];

    // The agent has the case open while the customer answers.
    const agent = await signedIn(browser, server.url, org.users.alice, LAPTOP);
    await agent.page.goto(`${server.url}/cases/${caseItem.id}`);
    await agent.page.locator('.history', { hasText: 'A satisfaction survey was sent to the customer by text message' }).waitFor();

    const context = await browser.newContext({ viewport: LAPTOP });
    const customer = await context.newPage();
    const errors: string[] = [];
    customer.on('pageerror', (e) => errors.push(e.message));
    await customer.goto(link);
    await customer.getByRole('heading', { name: 'How did we do?' }).waitFor();
    const text = (await customer.locator('body').textContent()) ?? '';
    expect(text).toContain(caseItem.reference);
    for (const hidden of ['invoice', 'Alice', 'Support', '+4917']) expect(text).not.toContain(hidden);
    await customer.locator('label[for="s4"]').click(); // the fourth star
    await customer.getByLabel(/Anything you would like to tell us/).fill('Quick and friendly, thank you!');
    await shot(customer, 'survey-page-laptop');
    await customer.setViewportSize(PHONE);
    await shot(customer, 'survey-page-phone');
    await customer.getByRole('button', { name: 'Send rating' }).click();
    await customer.getByRole('heading', { name: 'Thank you for your feedback' }).waitFor();
    expect(await customer.locator('body').textContent()).toContain('4 of 5 stars');
    await shot(customer, 'survey-thanks-phone');
    // The link works once.
    await customer.goto(link);
    await customer.getByRole('heading', { name: 'This survey has already been answered' }).waitFor();
    expect(errors).toEqual([]);
    await context.close();

    // Live, without a reload: the satisfaction row and the history sentence.
    const row = agent.page.locator('dd', { hasText: 'Quick and friendly, thank you!' });
    await row.waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toContain('4 of 5 stars');
    await agent.page.locator('.history', { hasText: 'The customer rated the help 4 of 5 stars' }).waitFor();
    await shot(agent.page, 'survey-rating-on-case-laptop');
    await agent.page.setViewportSize(PHONE);
    await shot(agent.page, 'survey-rating-on-case-phone');
    expect(await agent.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    expect(agent.errors).toEqual([]);
    await agent.context.close();
  });

  it('the channel dialog has the survey switch, and turning it off is saved', async () => {
    const { page, context, errors } = await signedIn(browser, server.url, ADMIN, LAPTOP);
    await page.goto(`${server.url}/admin/channels`);
    await page.getByRole('button', { name: 'Edit channel Support SMS' }).click();
    const toggle = page.getByLabel(/Send a satisfaction survey when a case is resolved/);
    await toggle.waitFor();
    expect(await toggle.isChecked()).toBe(true);
    await toggle.uncheck();
    await shot(page, 'survey-channel-switch');
    await page.getByRole('button', { name: 'Save' }).click();
    const admin = strict(await apiSession(server.url, ADMIN.email, ADMIN.password));
    await expect
      .poll(async () => (await admin<{ channels: { name: string; surveys: boolean }[] }>('GET', '/channels')).channels[0]?.surveys)
      .toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });
});
