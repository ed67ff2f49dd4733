import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { apiSession, createCases, seedOrg, strict, type CaseJson, type Org } from './support/api.ts';
import { launchBrowser, PHONE, shot, signedIn } from './support/browser.ts';
import { ADMIN, startServer, type RunningServer } from './support/server.ts';
import { twilioSignature } from '../packages/server/src/channels/sms/twilio-signature.ts';

/** A stand-in SMS provider on loopback: refuses messages until told to accept them. */
async function smsProvider() {
  const state = { accept: false, sent: [] as string[] };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += String(c)));
    req.on('end', () => {
      if (!state.accept) {
        res
          .writeHead(400, { 'content-type': 'application/json' })
          .end(JSON.stringify({ message: 'The number is not a valid phone number' }));
        return;
      }
      state.sent.push(new URLSearchParams(body).get('Body') ?? '');
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sid: `SM${state.sent.length}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const TOKEN = 'e2e-sms-token';
const DESKTOP = { width: 1280, height: 800 };

describe('delivery status on the case page', () => {
  let server: RunningServer;
  let browser: Browser;
  let provider: Awaited<ReturnType<typeof smsProvider>>;
  let org: Org;
  let bare: CaseJson;
  let smsCaseId: string;

  beforeAll(async () => {
    provider = await smsProvider();
    // No mail relay: email cannot be delivered. The provider stub lives on loopback, which outbound calls may reach here.
    server = await startServer({
      env: {
        CASEWORK_SMTP_URL: '',
        CASEWORK_OUTBOUND_ALLOW: '127.0.0.0/8,::1',
        CASEWORK_CHANNEL_POLL_MS: '200',
        CASEWORK_RETRY_BASE_MS: '200',
      },
    });
    const session = await apiSession(server.url, ADMIN.email, ADMIN.password);
    const admin = strict(session);
    org = await seedOrg(session);
    bare = (await createCases(session, org.supportId, ['Phoned in, no channel']))[0]!;
    await admin('POST', '/channels', {
      type: 'email',
      name: 'Support mailbox',
      teamId: org.supportId,
      settings: { address: 'help@e2e.test' },
    });
    const sms = await admin<{ id: string }>('POST', '/channels', {
      type: 'sms',
      name: 'Support SMS',
      teamId: org.supportId,
      settings: { accountSid: 'ACe2e', phoneNumber: '+15550100', authToken: TOKEN, apiBaseUrl: provider.url },
    });
    const url = `${server.url}/webhooks/sms/${sms.id}`;
    const params = { MessageSid: 'SMin1', From: '+491701234567', To: '+15550100', Body: 'Where is my parcel?' };
    const res = await fetch(url, {
      method: 'POST',
      body: new URLSearchParams(params).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(TOKEN, url, params) },
    });
    expect(res.status).toBe(200);
    const list = await admin<{ cases: CaseJson[] }>('GET', '/cases?type=sms');
    smsCaseId = list.cases[0]!.id;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await provider?.close();
  });

  it('the reply box says up front when a reply cannot reach the customer, and the reply shows Not delivered', async () => {
    const { page, context, errors } = await signedIn(browser, server.url, org.users.alice, DESKTOP);
    await page.goto(`${server.url}/cases/${bare.id}`);
    const warning = page.locator('.reply-warning');
    await warning.waitFor();
    expect(await warning.textContent()).toContain('cannot reach the customer');
    expect(await page.locator('.reply-actions').textContent()).not.toContain('The customer will receive this');
    await page.getByLabel('Reply to the customer').fill('I will call you back this afternoon.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    const failed = page.locator('.message-outbound', { hasText: 'call you back' }).locator('.delivery-failed');
    await failed.waitFor();
    expect(await failed.textContent()).toContain('Not delivered');
    await page.getByRole('alert').getByText('Reply not delivered').waitFor();
    await shot(page, 'delivery-reply-box-warning');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a refused SMS shows red with Retry; once the provider accepts, Retry sends it and the badge turns to Sent', async () => {
    const { page, context, errors } = await signedIn(browser, server.url, org.users.alice, DESKTOP);
    await page.goto(`${server.url}/cases/${smsCaseId}`);
    await page.locator('.message-inbound', { hasText: 'Where is my parcel?' }).waitFor();
    expect(await page.locator('.reply-warning').count()).toBe(0);
    await page.getByLabel('Reply to the customer').fill('It arrives tomorrow.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    const reply = page.locator('.message-outbound', { hasText: 'It arrives tomorrow.' });
    const failed = reply.locator('.delivery-failed');
    await failed.waitFor({ timeout: 15_000 }); // the live event updates the page
    expect(await failed.textContent()).toContain('not a valid phone number');
    await page.locator('.history', { hasText: 'A reply was not delivered' }).waitFor();
    await shot(page, 'delivery-failed-laptop');
    await page.setViewportSize(PHONE);
    await shot(page, 'delivery-failed-phone');
    await page.setViewportSize(DESKTOP);

    provider.state.accept = true;
    await reply.getByRole('button', { name: 'Retry sending this reply' }).click();
    await reply.locator('.delivery-ok', { hasText: 'Sent by SMS' }).waitFor({ timeout: 15_000 });
    expect(provider.state.sent).toEqual(['It arrives tomorrow.']);
    expect(await reply.locator('.delivery-failed').count()).toBe(0);
    await shot(page, 'delivery-sent');
    expect(errors).toEqual([]);
    await context.close();
  });

  it("the case owner is told live when a colleague's reply on their case was not delivered; others on the team are not", async () => {
    provider.state.accept = false;
    const bobApi = strict(await apiSession(server.url, org.users.bob.email, org.users.bob.password));
    const aliceApi = strict(await apiSession(server.url, org.users.alice.email, org.users.alice.password));
    await bobApi('POST', `/cases/${smsCaseId}/claim`);
    const bob = await signedIn(browser, server.url, org.users.bob, DESKTOP);
    const vic = await signedIn(browser, server.url, org.users.vic, DESKTOP);
    await Promise.all(
      [bob, vic].map(async ({ page }) => {
        await page.goto(`${server.url}/cases`);
        await expect.poll(() => page.locator('.live-open').count()).toBe(1);
      }),
    );
    await aliceApi('POST', `/cases/${smsCaseId}/messages`, { body: 'One more thing.', internal: false });
    const notice = bob.page.getByRole('alert').getByText(/A reply on your case .* was not delivered/);
    await notice.waitFor({ timeout: 15_000 });
    await shot(bob.page, 'delivery-owner-notice');
    await bob.page.getByRole('alert').getByRole('link', { name: 'Open the case' }).click();
    await bob.page.locator('.message-outbound', { hasText: 'One more thing.' }).locator('.delivery-failed').waitFor();
    // Vic sees the case (same team) but neither wrote the reply nor owns the case: no notice.
    await vic.page.waitForTimeout(1000);
    expect(await vic.page.getByText(/was not delivered/).count()).toBe(0);
    expect([...bob.errors, ...vic.errors]).toEqual([]);
    await bob.context.close();
    await vic.context.close();
  });

  it('the channels page says which channel cannot deliver', async () => {
    const { page, context } = await signedIn(browser, server.url, { email: ADMIN.email, password: ADMIN.password }, DESKTOP);
    await page.goto(`${server.url}/admin/channels`);
    const mail = page.locator('.channel-item', { hasText: 'Support mailbox' });
    await mail.locator('.channel-delivery-problem').waitFor();
    expect(await mail.locator('.channel-delivery-problem').textContent()).toContain('CASEWORK_SMTP_URL');
    expect(await page.locator('.channel-item', { hasText: 'Support SMS' }).locator('.channel-delivery-problem').count()).toBe(0);
    await shot(page, 'delivery-channels-laptop');
    await page.setViewportSize(PHONE);
    await shot(page, 'delivery-channels-phone');
    await context.close();
  });
});
