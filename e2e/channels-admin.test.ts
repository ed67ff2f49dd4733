import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ADMIN } from './support/server.ts';
import { apiSession, createCases, seedOrg, strict, type CaseJson } from './support/api.ts';
import { PHONE, shot, signedIn } from './support/browser.ts';
import { e2eApp } from './support/app.ts';

type ChannelJson = { id: string; type: string; name: string; publicKey: string | null; settings: Record<string, unknown> };

const app = e2eApp(async (admin) => ({ org: await seedOrg(admin) }));
let receiver: http.Server;
let receiverUrl: string;
const received: { signature: string | undefined; body: string }[] = [];

beforeAll(async () => {
  // A stand-in for the integration that receives the outbound webhooks.
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += String(chunk)));
    req.on('end', () => {
      received.push({ signature: req.headers['x-casework-signature'] as string | undefined, body });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/casework-hook`;
});

afterAll(async () => {
  await new Promise((resolve) => receiver?.close(resolve));
});

async function noSidewaysScroll(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

describe('administration of channels and webhooks', () => {
  it('creates a web chat channel and sees its snippet, an SMS channel whose token never comes back, and deletes a mailbox', async () => {
    const { page, context, errors } = await signedIn(app.browser, app.server.url, ADMIN);
    await page.goto(`${app.server.url}/admin`);
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Channels' }).click();
    await page.getByText('No channels yet').waitFor();

    await page.getByRole('button', { name: 'New channel' }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByLabel('Type').selectOption('web_connect');
    await dialog.getByLabel('Name', { exact: true }).fill('Website chat');
    await dialog.getByLabel('Team').selectOption({ label: 'Support' });
    await dialog.getByLabel(/Widget title/).fill('Northwind help');
    await dialog.getByRole('button', { name: 'Create channel' }).click();

    const ready = page.getByRole('dialog', { name: 'Website chat is ready' });
    const snippet = await ready.getByLabel('Embed snippet', { exact: true }).inputValue();
    const [web] = (await strict(app.admin)<{ channels: ChannelJson[] }>('GET', '/channels')).channels;
    expect(web).toMatchObject({ type: 'web_connect', name: 'Website chat' });
    expect(snippet).toBe(`<script src="${app.server.url}/widget.js" data-channel="${web!.publicKey}" async></script>`);
    expect(await ready.getByRole('link', { name: /demo page/ }).getAttribute('href')).toBe(`/demo/chat?key=${web!.publicKey}`);
    await shot(page, 'channels-web-connect-snippet');
    await ready.getByRole('button', { name: 'Done' }).click();

    const token = 'sms-auth-token-e2e-4711';
    await page.getByRole('button', { name: 'New channel' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByLabel('Type').selectOption('sms');
    await dialog.getByLabel('Name', { exact: true }).fill('Support SMS');
    await dialog.getByLabel('Phone number').fill('+15550199');
    await dialog.getByLabel('Account SID').fill('AC123e2e');
    await dialog.getByLabel('Auth token', { exact: true }).fill(token);
    await dialog.getByLabel(/Provider API base URL/).fill('http://127.0.0.1:9/provider');
    await shot(page, 'channels-sms-form');
    await dialog.getByRole('button', { name: 'Create channel' }).click();
    const smsReady = page.getByRole('dialog', { name: 'Support SMS is ready' });
    const inbound = await smsReady.getByLabel('Incoming messages webhook', { exact: true }).inputValue();
    const sms = (await strict(app.admin)<{ channels: ChannelJson[] }>('GET', '/channels')).channels.find((c) => c.type === 'sms')!;
    expect(inbound).toBe(`${app.server.url}/webhooks/sms/${sms.id}`);
    expect(sms.settings).toMatchObject({ phoneNumber: '+15550199', hasAuthToken: true });
    expect(JSON.stringify(sms)).not.toContain(token);
    await smsReady.getByRole('button', { name: 'Done' }).click();

    // The list shows both; the secret is nowhere on the page, and editing shows "Set", not the value.
    const smsItem = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Support SMS' }) });
    await expect.poll(() => smsItem.textContent()).toContain('+15550199');
    await smsItem.getByRole('button', { name: 'Show webhook URLs' }).click();
    expect(await smsItem.getByLabel('Incoming messages webhook', { exact: true }).inputValue()).toBe(inbound);
    await page.getByRole('button', { name: 'Edit channel Support SMS' }).click();
    dialog = page.getByRole('dialog', { name: 'Edit Support SMS' });
    await dialog.getByRole('group', { name: 'Auth token' }).getByText('Set', { exact: true }).waitFor();
    const values = await dialog.locator('input').evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
    expect(values.join(' ')).not.toContain(token);
    expect(await page.content()).not.toContain(token);
    await shot(page, 'channels-sms-edit-secret-set');
    await dialog.getByRole('button', { name: 'Change auth token' }).click();
    await dialog.getByLabel('Auth token', { exact: true }).waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('button', { name: 'New channel' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByLabel('Type').selectOption('email');
    await dialog.getByLabel('Name', { exact: true }).fill('Old mailbox');
    await dialog.getByLabel('Email address').fill('old@e2e.test');
    await dialog.getByRole('button', { name: 'Create channel' }).click();
    await page.getByRole('heading', { name: 'Old mailbox', exact: true }).waitFor();
    await shot(page, 'channels-list');
    await page.getByRole('button', { name: 'Delete channel Old mailbox' }).click();
    await page.getByRole('dialog', { name: 'Delete Old mailbox?' }).getByRole('button', { name: 'Delete channel' }).click();
    await page.getByRole('heading', { name: 'Old mailbox', exact: true }).waitFor({ state: 'detached' });
    expect((await strict(app.admin)<{ channels: ChannelJson[] }>('GET', '/channels')).channels.map((c) => c.name)).toEqual([
      'Website chat',
      'Support SMS',
    ]);
    expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('adds a signed outbound webhook and shows its deliveries', async () => {
    const { page, context, errors } = await signedIn(app.browser, app.server.url, ADMIN);
    await page.goto(`${app.server.url}/admin/webhooks`);
    await page.getByText('No webhooks yet').waitFor();
    await page.getByRole('button', { name: 'New webhook' }).click();
    const dialog = page.getByRole('dialog', { name: 'New webhook' });
    await dialog.getByLabel('Payload URL').fill(receiverUrl);
    await dialog.getByLabel(/New message/).uncheck();
    await dialog.getByLabel('Signing secret').fill('e2e-webhook-secret-1');
    await shot(page, 'webhooks-form');
    await dialog.getByRole('button', { name: 'Add webhook' }).click();
    await page.getByRole('heading', { name: receiverUrl }).waitFor();
    const [hook] = (await strict(app.admin)<{ webhooks: { id: string; events: string[]; hasSecret: boolean }[] }>('GET', '/webhooks'))
      .webhooks;
    expect(hook).toMatchObject({ events: ['case.created', 'case.claimed', 'case.status_changed', 'case.sla_breached'], hasSecret: true });
    expect(JSON.stringify(hook)).not.toContain('e2e-webhook-secret-1');
    await shot(page, 'webhooks-list');

    await createCases(app.admin, app.org.supportId, ['Webhook test case']);
    await expect.poll(() => received.length, { timeout: 15_000 }).toBeGreaterThan(0);
    expect(received[0]!.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    await page.getByRole('link', { name: `Deliveries of ${receiverUrl}` }).click();
    await page.getByRole('heading', { name: 'Deliveries' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Case created' });
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Refresh' }).click();
          return row.textContent();
        },
        { timeout: 15_000 },
      )
      .toContain('Delivered');
    expect(await row.textContent()).toContain('HTTP 200');
    await shot(page, 'webhooks-deliveries');

    await page.setViewportSize(PHONE);
    expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(0);
    await shot(page, 'phone-webhooks-deliveries');
    await page.goto(`${app.server.url}/admin/channels`);
    await page.getByRole('heading', { name: 'Website chat' }).waitFor();
    await page.getByRole('button', { name: 'Show embed snippet' }).click();
    expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(0);
    await shot(page, 'phone-channels');
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('bulk actions on the Cases list', () => {
  it('claims every selected case the agent may claim, with progress and a summary', async () => {
    const cases: CaseJson[] = await createCases(app.admin, app.org.supportId, [
      'Bulk one',
      'Bulk two',
      'Bulk three',
      'Bulk four',
      'Bulk taken',
    ]);
    const bob = strict(await apiSession(app.server.url, app.org.users.bob.email, app.org.users.bob.password));
    await bob('POST', `/cases/${cases[4]!.id}/claim`, {});

    const { page, context, errors } = await signedIn(app.browser, app.server.url, app.org.users.alice);
    // One request for all of them, slowed a little so the progress indicator can be seen.
    const requests: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().includes('/api/v1/cases/')) requests.push(new URL(request.url()).pathname);
    });
    await page.route('**/api/v1/cases/bulk', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await route.continue();
    });
    await page.goto(`${app.server.url}/cases?q=Bulk`);
    await page.getByLabel(`Select case ${cases[0]!.reference}`).check();
    const bar = page.getByRole('region', { name: 'Bulk actions' });
    expect(await bar.textContent()).toContain('1 selected');
    await page.getByLabel(/Select all 5 shown/).check();
    expect(await bar.textContent()).toContain('5 selected');
    await shot(page, 'cases-bulk-selected');

    await bar.getByRole('button', { name: /^Claim 4 of 5 selected/ }).click();
    await bar
      .getByRole('status')
      .filter({ hasText: /Claiming 4 cases…/ })
      .waitFor();
    await shot(page, 'cases-bulk-progress');
    const summary = page.locator('.bulk-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('Claimed 4 of 4 cases.');
    expect(await summary.textContent()).toContain(`Skipped 1 where this is not allowed: ${cases[4]!.reference}`);
    expect(requests).toEqual(['/api/v1/cases/bulk']);
    await shot(page, 'cases-bulk-summary');

    const mine = await strict(app.admin)<{ cases: CaseJson[] }>('GET', `/cases?q=Bulk&ownerId=${app.org.users.alice.id}`);
    expect(mine.cases.map((c) => c.reference).sort()).toEqual(
      cases
        .slice(0, 4)
        .map((c) => c.reference)
        .sort(),
    );
    expect(errors).toEqual([]);
    await context.close();
  });

  it('works at phone width', async () => {
    const { page, context, errors } = await signedIn(app.browser, app.server.url, app.org.users.sue, PHONE);
    await page.goto(`${app.server.url}/cases?q=Bulk`);
    await page.getByLabel(/Select all \d+ shown/).check();
    await page.getByRole('region', { name: 'Bulk actions' }).waitFor();
    expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(0);
    await shot(page, 'phone-cases-bulk');
    await page
      .getByRole('region', { name: 'Bulk actions' })
      .getByRole('button', { name: /^Follow/ })
      .click();
    await page.locator('.bulk-summary').waitFor();
    expect(await page.locator('.bulk-summary').textContent()).toMatch(/Now following 5 of 5 cases\./);

    await page.getByLabel(/Select all \d+ shown/).check();
    await page
      .getByRole('region', { name: 'Bulk actions' })
      .getByRole('button', { name: /^Assign/ })
      .click();
    const dialog = page.getByRole('dialog', { name: 'Assign 5 cases' });
    await dialog.getByLabel('Owner').selectOption({ label: 'Bob Agent' });
    await shot(page, 'phone-cases-bulk-assign');
    await dialog.getByRole('button', { name: 'Assign 5 cases' }).click();
    await expect.poll(() => page.locator('.bulk-summary').textContent()).toMatch(/Assigned 5 of 5 cases\./);
    const bobs = await strict(app.admin)<{ cases: CaseJson[] }>('GET', `/cases?q=Bulk&ownerId=${app.org.users.bob.id}`);
    expect(bobs.cases).toHaveLength(5);
    expect(errors).toEqual([]);
    await context.close();
  });
});
