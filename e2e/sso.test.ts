import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ADMIN, startServer, type RunningServer } from './support/server.ts';
import { launchBrowser, LAPTOP, PHONE, shot, signedIn } from './support/browser.ts';
import { startTestProvider, type TestProvider } from '../packages/server/src/test-support/oidc-provider.ts';

/** Both widths, axe-checked, for a page already showing. */
async function shots(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1366, height: 860 });
  await shot(page, `${name}-1366`);
  await page.setViewportSize(PHONE);
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(sideways, `${name} scrolls sideways at 390 px`).toBeLessThanOrEqual(0);
  await shot(page, `${name}-390`);
  await page.setViewportSize(LAPTOP);
}

/** At the provider's own pages: its login form (any password), then its consent page. */
async function signInAtProvider(page: Page, login: string): Promise<void> {
  await page.locator('input[name="login"]').waitFor();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('provider-password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

describe('single sign-on through a real OpenID provider', () => {
  let server: RunningServer;
  let provider: TestProvider;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    provider = await startTestProvider([`${server.url}/api/v1/auth/oidc/callback`]);
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await provider?.stop();
    await server?.stop();
  });

  it('an admin sets it up; people sign in through the provider; an unverified address is refused', async () => {
    const { page, context, errors } = await signedIn(browser, server.url, ADMIN);
    await page.goto(`${server.url}/admin/sso`);
    await page.getByRole('heading', { name: 'Single sign-on' }).waitFor();
    await page.getByLabel('Turn on single sign-on').check();
    // A private address is refused on save, naming the field.
    await page.getByLabel('Issuer URL').fill('https://10.0.0.8/realms/staff');
    await page.getByLabel('Client ID').fill(provider.clientId);
    await page.getByLabel('Client secret').fill(provider.clientSecret);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('.field-error').first().textContent()).toMatch(/private/);
    await page.getByLabel('Issuer URL').fill(provider.issuer());
    await page.getByLabel('Button label').fill('Acme SSO');
    await page.getByLabel('Create an account on first sign-in').check();
    await page.getByLabel('Role for new accounts').selectOption('agent');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Single sign-on saved').waitFor();
    await expect.poll(() => page.getByLabel('Client secret').getAttribute('placeholder')).toBe('Saved (type to replace)');
    await shots(page, 'sso-admin-settings');
    await context.close();
    expect(errors).toEqual([]);

    const visitor = await browser.newContext({ viewport: LAPTOP });
    const p = await visitor.newPage();
    await p.goto(`${server.url}/login?next=%2Freports`);
    const button = p.getByRole('link', { name: 'Sign in with Acme SSO' });
    await button.waitFor();
    await shots(p, 'sso-login-page');
    await button.click();
    await signInAtProvider(p, 'nina@e2e.test');
    await p.waitForURL(`${server.url}/reports`);
    const me = await p.evaluate(async () => (await fetch('/api/v1/me')).json());
    expect(me).toMatchObject({ email: 'nina@e2e.test', role: 'agent', name: 'nina' });
    // Signing out ends the Casework session.
    await p.evaluate(async () => fetch('/api/v1/auth/logout', { method: 'POST' }));
    expect(await p.evaluate(async () => (await fetch('/api/v1/me')).status)).toBe(401);
    await visitor.close();

    const stranger = await browser.newContext({ viewport: LAPTOP });
    const q = await stranger.newPage();
    await q.goto(`${server.url}/login`);
    await q.getByRole('link', { name: 'Sign in with Acme SSO' }).click();
    await signInAtProvider(q, 'unverified@e2e.test');
    await q.waitForURL(`${server.url}/login?sso=email_unverified`);
    await q.getByRole('alert').filter({ hasText: 'not verified at the sign-in provider' }).waitFor();
    await shots(q, 'sso-login-refused');
    expect(await q.evaluate(async () => (await fetch('/api/v1/me')).status)).toBe(401);
    await stranger.close();
  });
});
