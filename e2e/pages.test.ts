import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ADMIN, startServer, type RunningServer } from './support/server.ts';
import { apiSession, createCases, seedOrg, strict, type CaseJson, type Org } from './support/api.ts';
import { LAPTOP, PHONE, launchBrowser, shot, signedIn } from './support/browser.ts';

let server: RunningServer;
let browser: Browser;
let org: Org;
let cases: CaseJson[];

beforeAll(async () => {
  server = await startServer();
  const admin = await apiSession(server.url, ADMIN.email, ADMIN.password);
  org = await seedOrg(admin);
  cases = await createCases(admin, org.supportId, ['Cannot log in', 'Invoice shows wrong VAT', 'Order never arrived', 'App crashes on start']);
  await createCases(admin, org.billingId, ['Refund for a double charge'], 'phone');
  const sue = strict(await apiSession(server.url, org.users.sue.email, org.users.sue.password));
  await sue('POST', `/cases/${cases[0]!.id}/claim`, {});
  await sue('POST', `/cases/${cases[0]!.id}/messages`, { body: 'Hello! Which browser are you using?', internal: false });
  await sue('POST', `/cases/${cases[0]!.id}/messages`, { body: 'Probably the SSO bug from last week.', internal: true });
  await sue('POST', `/cases/${cases[0]!.id}/collaborators`, { userId: org.users.alice.id });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('every page renders at laptop and phone widths', () => {
  for (const [label, viewport] of [['laptop', LAPTOP], ['phone', PHONE]] as const) {
    it(`walks the app as a supervisor with admin rights (${label})`, async () => {
      const { page, context, errors } = await signedIn(browser, server.url, { email: ADMIN.email, password: ADMIN.password }, viewport);
      const pages: [string, string, string][] = [
        ['my-work', '/', 'My Work'],
        ['cases', '/cases', 'Cases'],
        ['case', `/cases/${cases[0]!.id}`, 'Cannot log in'],
        ['new-case', '/cases/new', 'New case'],
        ['admin-users', '/admin/users', 'Users'],
        ['admin-teams', '/admin/teams', 'Teams'],
        ['admin-roles', '/admin/roles', 'Roles'],
        ['admin-tokens', '/admin/tokens', 'API tokens'],
        ['admin-organisation', '/admin/organisation', 'Organisation'],
      ];
      for (const [name, path, heading] of pages) {
        await page.goto(server.url + path);
        await page.getByRole('heading', { name: heading }).first().waitFor();
        await page.waitForLoadState('networkidle').catch(() => undefined);
        expect(await page.locator('.state-error').count(), `${name} shows an error`).toBe(0);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${name} scrolls sideways`).toBeLessThanOrEqual(0);
        await shot(page, `${label}-${name}`);
      }
      await page.goto(`${server.url}/cases/${cases[0]!.id}`);
      await page.locator('.message-note').waitFor();
      expect(await page.locator('.message-note').textContent()).toContain('Internal note');
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it('creates a case by hand (log a call) and lands on it', async () => {
    const { page, context } = await signedIn(browser, server.url, org.users.alice);
    await page.goto(`${server.url}/cases/new`);
    await page.getByRole('radio', { name: 'Log a call' }).click();
    await page.getByLabel('Subject').fill('Caller asks about delivery times');
    await page.getByLabel('Call notes').fill('Wants delivery before Friday.');
    await page.getByLabel('Name').fill('Greta Lind');
    await page.getByRole('button', { name: 'Log call' }).click();
    await page.waitForURL(/\/cases\/[^/]+$/);
    await page.getByRole('heading', { name: 'Caller asks about delivery times' }).waitFor();
    expect(await page.locator('.case-header').textContent()).toContain('Phone');
    await context.close();
  });
});
