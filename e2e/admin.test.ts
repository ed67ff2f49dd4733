import { describe, expect, it } from 'vitest';
import { ADMIN } from './support/server.ts';
import { apiSession, strict } from './support/api.ts';
import { shot, signedIn } from './support/browser.ts';
import { e2eApp } from './support/app.ts';

const app = e2eApp();

describe('administration', () => {
  it('creates a team and a user, copies a built-in role, mints a token shown once, saves the organisation', async () => {
    const { page, context, errors } = await signedIn(app.browser, app.server.url, ADMIN);
    await page.goto(`${app.server.url}/admin/teams`);
    await page.getByRole('button', { name: 'New team' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('Escalations');
    await page.getByRole('dialog').getByRole('button', { name: 'Create team' }).click();
    await page.getByRole('heading', { name: 'Escalations' }).waitFor();

    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('button', { name: 'New user' }).click();
    const user = page.getByRole('dialog');
    await user.getByLabel('Name').fill('Nina New');
    await user.getByLabel('Email').fill('nina@e2e.test');
    await user.getByLabel('Password').fill('password-nina-1');
    await user.getByLabel('Role').selectOption('agent');
    await user.getByLabel('Time zone').selectOption('Asia/Tokyo');
    await user.getByLabel('Escalations').check();
    await user.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('row', { name: /Nina New/ }).waitFor();
    expect(await page.getByRole('row', { name: /Nina New/ }).textContent()).toContain('Escalations');

    await page.getByRole('link', { name: 'Roles' }).click();
    await page.getByRole('row', { name: /Agent/ }).first().getByRole('button', { name: 'Make a copy' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('Senior agent');
    await page
      .getByRole('dialog')
      .getByLabel(/case\.cancel/)
      .check();
    await page.getByRole('dialog').getByRole('button', { name: 'Create role' }).click();
    await page.getByRole('row', { name: /Senior agent/ }).waitFor();

    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByRole('button', { name: 'New token' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('Billing sync');
    await page.getByRole('dialog').getByRole('button', { name: 'Create token' }).click();
    const token = await page.getByRole('dialog', { name: 'Copy your new token' }).getByLabel('Token').inputValue();
    expect(token.length).toBeGreaterThan(20);
    await shot(page, 'admin-token-once');
    await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
    const viaToken = await fetch(`${app.server.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(viaToken.status).toBe(200);
    await page.getByRole('cell', { name: 'Billing sync', exact: true }).waitFor();

    await page.getByRole('link', { name: 'Organisation' }).click();
    await page.getByLabel('Default time zone').selectOption('Europe/Paris');
    await page.getByLabel('Maximum open cases per user').fill('25');
    await page.getByLabel('SLA guard for Next Unassigned').check();
    await page.setViewportSize({ width: 1280, height: 800 });
    await shot(page, 'admin-organisation-sla-guard');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(
        async () =>
          await strict(await apiSession(app.server.url, ADMIN.email, ADMIN.password))<{
            timeZone: string;
            maxOpenPerUser: number;
            slaGuard: boolean;
          }>('GET', '/organisation'),
      )
      .toMatchObject({ timeZone: 'Europe/Paris', maxOpenPerUser: 25, slaGuard: true });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('lets a user change their own time zone from the header', async () => {
    const { page, context } = await signedIn(app.browser, app.server.url, ADMIN);
    await page.getByRole('button', { name: /Change time zone/ }).click();
    await page.getByRole('dialog').getByLabel('Time zone').selectOption('America/Chicago');
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('button', { name: /Change time zone/ }).textContent()).toBe('America/Chicago');
    const me = await strict(await apiSession(app.server.url, ADMIN.email, ADMIN.password))<{ timeZone: string }>('GET', '/me');
    expect(me.timeZone).toBe('America/Chicago');
    await context.close();
  });
});
