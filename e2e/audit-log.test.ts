import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ADMIN } from './support/server.ts';
import { apiSession, strict } from './support/api.ts';
import { PHONE, shot, signedIn } from './support/browser.ts';
import { e2eApp } from './support/app.ts';

const app = e2eApp(async (admin, server) => {
  const api = strict(admin);
  const team = await api<{ id: string }>('POST', '/teams', { name: 'Night shift' });
  await api('PATCH', `/teams/${team.id}`, { name: 'Late shift' });
  await api('POST', '/users', {
    email: 'olga@e2e.test',
    name: 'Olga Operator',
    password: 'olga-password-1',
    role: 'agent',
    teamIds: [team.id],
  });
  // Someone mistypes a password: a failed sign-in with its reason.
  const wrong = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'olga@e2e.test', password: 'not-her-password' }),
  });
  expect(wrong.status).toBe(401);
  // An agent tries to change the organisation: refused, and audited.
  const olga = await apiSession(server.url, 'olga@e2e.test', 'olga-password-1');
  expect((await olga('PATCH', '/organisation', { name: 'Mine now' })).status).toBe(403);
  return { teamId: team.id };
});

describe('audit log page', () => {
  it('shows who changed what with before → after, filters, exports CSV and says when nothing matches', async () => {
    const { page, context, errors } = await signedIn(app.browser, app.server.url, ADMIN, { width: 1366, height: 900 });
    await page.goto(`${app.server.url}/admin`);
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();

    const renamed = page.getByRole('row', { name: /Changed team/ });
    await renamed.waitFor();
    expect(await renamed.locator('del').textContent()).toBe('Night shift');
    expect(await renamed.locator('ins').textContent()).toBe('Late shift');
    const created = page.getByRole('row', { name: /Created user/ }).filter({ hasText: 'Olga Operator' });
    expect(await created.textContent()).toContain('olga@e2e.test');
    expect(await created.textContent()).toContain('set (hidden)'); // the password: never its value
    expect(await created.textContent()).toContain('Late shift'); // its team, by name
    const failed = page.getByRole('row', { name: /Sign-in failed/ }).first();
    expect(await failed.textContent()).toContain('wrong email or password');
    const refused = page.getByRole('row', { name: /Change refused/ });
    expect(await refused.textContent()).toContain('Needs admin.users');
    expect(await refused.textContent()).toContain('Olga Operator');
    // The first administrator, made by the server's operator at start, is there too.
    expect(
      await page
        .getByRole('row', { name: /Created user/ })
        .filter({ hasText: ADMIN.email })
        .textContent(),
    ).toContain("By the server's operator");
    expect(await page.content()).not.toContain('olga-password-1');
    expect(await page.content()).not.toContain(ADMIN.password);
    await shot(page, 'audit-log-1366');

    await page.getByLabel('Action').selectOption({ label: 'Teams' });
    await expect.poll(() => new URL(page.url()).searchParams.get('action')).toBe('team.');
    // Once the filtered page is in: the team entries, and nothing else.
    await expect
      .poll(async () => [
        await page.getByRole('row', { name: /Changed team/ }).count(),
        await page.getByRole('row', { name: /Created team/ }).count(),
        await page.getByRole('row', { name: /Sign-in|Signed in|user/ }).count(),
      ])
      .toEqual([1, 1, 0]);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^audit-log-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('at,actorId,actorName,action,targetType,targetId,target,ip,changes,detail');
    expect(csv).toContain('team.updated');
    expect(csv).not.toContain('sign_in.');

    await page.getByLabel('Action').selectOption({ label: 'Retention' });
    await page.getByText('Nothing matches these filters').waitFor();
    await shot(page, 'audit-log-empty');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByRole('row', { name: /Changed team/ }).waitFor();

    // The retention is an organisation setting; changing it is itself an entry.
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Organisation' }).click();
    await page.getByLabel('Keep the audit log for (days)').fill('400');
    await shot(page, 'organisation-audit-retention');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Organisation saved').waitFor();
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Audit log' }).click();
    const setting = page.getByRole('row', { name: /Changed organisation settings/ });
    await setting.waitFor();
    expect(await setting.textContent()).toMatch(/audit retention days365→changed to400/);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('reads on a phone: each entry as a card', async () => {
    const { page, context, errors } = await signedIn(app.browser, app.server.url, ADMIN, PHONE);
    await page.goto(`${app.server.url}/admin/audit-log?action=team.`);
    await page.getByRole('row', { name: /Changed team/ }).waitFor();
    await shot(page, 'audit-log-390');
    expect(errors).toEqual([]);
    await context.close();
  });
});
