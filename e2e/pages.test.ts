import { describe, expect, it } from 'vitest';
import { ADMIN } from './support/server.ts';
import { apiSession, createCases, strict } from './support/api.ts';
import { LAPTOP, PHONE, shot, signedIn } from './support/browser.ts';
import { e2eApp, orgWithCases } from './support/app.ts';

const app = e2eApp(async (admin, server) => {
  const seeded = await orgWithCases(['Cannot log in', 'Invoice shows wrong VAT', 'Order never arrived', 'App crashes on start'])(admin);
  const { org, cases } = seeded;
  await createCases(admin, org.billingId, ['Refund for a double charge'], 'phone');
  const sue = strict(await apiSession(server.url, org.users.sue.email, org.users.sue.password));
  await sue('POST', `/cases/${cases[0]!.id}/claim`, {});
  await sue('POST', `/cases/${cases[0]!.id}/messages`, { body: 'Hello! Which browser are you using?', internal: false });
  await sue('POST', `/cases/${cases[0]!.id}/messages`, { body: 'Probably the SSO bug from last week.', internal: true });
  await sue('POST', `/cases/${cases[0]!.id}/collaborators`, { userId: org.users.alice.id });
  return seeded;
});

describe('every page renders at laptop and phone widths', () => {
  for (const [label, viewport] of [
    ['laptop', LAPTOP],
    ['phone', PHONE],
  ] as const) {
    it(`walks the app as a supervisor with admin rights (${label})`, async () => {
      const { page, context, errors } = await signedIn(
        app.browser,
        app.server.url,
        { email: ADMIN.email, password: ADMIN.password },
        viewport,
      );
      const pages: [string, string, string][] = [
        ['my-work', '/', 'My Work'],
        ['cases', '/cases', 'Cases'],
        ['case', `/cases/${app.cases[0]!.id}`, 'Cannot log in'],
        ['new-case', '/cases/new', 'New case'],
        ['admin-users', '/admin/users', 'Users'],
        ['admin-teams', '/admin/teams', 'Teams'],
        ['admin-roles', '/admin/roles', 'Roles'],
        ['admin-tokens', '/admin/tokens', 'API tokens'],
        ['admin-organisation', '/admin/organisation', 'Organisation'],
      ];
      for (const [name, path, heading] of pages) {
        await page.goto(app.server.url + path);
        await page.getByRole('heading', { name: heading }).first().waitFor();
        await page.waitForLoadState('networkidle').catch(() => undefined);
        expect(await page.locator('.state-error').count(), `${name} shows an error`).toBe(0);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${name} scrolls sideways`).toBeLessThanOrEqual(0);
        await shot(page, `${label}-${name}`);
      }
      await page.goto(`${app.server.url}/cases/${app.cases[0]!.id}`);
      await page.locator('.message-note').waitFor();
      expect(await page.locator('.message-note').textContent()).toContain('Internal note');
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it('creates a case by hand (log a call) and lands on it', async () => {
    const { page, context } = await signedIn(app.browser, app.server.url, app.org.users.alice);
    await page.goto(`${app.server.url}/cases/new`);
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
