import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { apiSession } from './support/api.ts';
import { shot, signedIn } from './support/browser.ts';
import { e2eApp, orgWithCases } from './support/app.ts';

const app = e2eApp(orgWithCases(['Viewer can only look', 'Agent cannot cancel']));

async function menuItemsFor(page: Page, reference: string): Promise<string[]> {
  await page.goto(`${app.server.url}/cases`);
  // A table row on wide screens, a card on phones: the same menu.
  const card = page.locator('[data-case-row], .case-card', { hasText: reference });
  await card.getByRole('button', { name: `Actions for case ${reference}` }).click();
  const items = await page.getByRole('menuitem').allTextContents();
  await page.keyboard.press('Escape');
  return items;
}

describe('permissions in the UI match the API', () => {
  it('a viewer sees no action it may not take, and the API refuses them', async () => {
    const target = app.cases[0]!;
    const { page, context } = await signedIn(app.browser, app.server.url, app.org.users.vic);
    const items = await menuItemsFor(page, target.reference);
    for (const forbidden of ['Claim', 'Assign…', 'Unassign', 'Set waiting…', 'Resolve…', 'Cancel case'])
      expect(items).not.toContain(forbidden);
    expect(await page.getByRole('link', { name: 'New case' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Administration' }).count()).toBe(0);
    await page.goto(`${app.server.url}/`);
    await page.locator('.next-panel').waitFor();
    expect(await page.getByRole('button', { name: 'Claim It' }).count()).toBe(0);
    await shot(page, 'viewer-my-work');

    const vic = await apiSession(app.server.url, app.org.users.vic.email, app.org.users.vic.password);
    const claim = await vic<{ code: string }>('POST', `/cases/${target.id}/claim`, {});
    expect(claim.status).toBe(403);
    expect(claim.body.code).toBe('forbidden');
    const resolve = await vic('POST', `/cases/${target.id}/resolve`, { resolution: 'completed' });
    expect(resolve.status).toBe(403);
    await context.close();
  });

  it('an agent is not offered Assign or Cancel on a team case, and the API refuses both', async () => {
    const target = app.cases[1]!;
    const { page, context } = await signedIn(app.browser, app.server.url, app.org.users.bob);
    const items = await menuItemsFor(page, target.reference);
    expect(items).toContain('Claim');
    expect(items).not.toContain('Assign…');
    expect(items).not.toContain('Cancel case');
    const bob = await apiSession(app.server.url, app.org.users.bob.email, app.org.users.bob.password);
    expect((await bob('POST', `/cases/${target.id}/cancel`, {})).status).toBe(403);
    expect((await bob('POST', `/cases/${target.id}/assign`, { ownerId: app.org.users.alice.id })).status).toBe(403);
    await context.close();
  });

  it('an expired session returns to the login page and then to the page the user was on', async () => {
    const { page, context } = await signedIn(app.browser, app.server.url, app.org.users.alice);
    await page.goto(`${app.server.url}/cases?status=new`);
    await page.locator('[data-case-row]').first().waitFor();
    await context.clearCookies();
    await page.getByRole('link', { name: 'My Work' }).click();
    await page.waitForURL(/\/login\?next=/);
    expect(decodeURIComponent(new URL(page.url()).searchParams.get('next')!)).toBe('/');
    await page.getByLabel('Email').fill(app.org.users.alice.email);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('.login-error').textContent()).toContain('incorrect');
    await shot(page, 'login-error');
    await page.getByLabel('Password').fill(app.org.users.alice.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.locator('.next-panel').waitFor();
    await context.close();
  });
});
