import { describe, expect, it } from 'vitest';
import { apiSession, seedOrg, strict, type CaseJson, type Org } from './support/api.ts';
import { PHONE, shot, signedIn } from './support/browser.ts';
import { e2eApp } from './support/app.ts';
import { ADMIN } from './support/server.ts';

const LAPTOP = { width: 1366, height: 900 };

const app = e2eApp(async (admin) => {
  const org: Org = await seedOrg(admin);
  const call = strict(admin);
  const make = (subject: string, email: string) =>
    call<CaseJson>('POST', '/cases', { subject, type: 'platform', teamId: org.supportId, customer: { name: 'Prize Desk', email } });
  return {
    org,
    cruise: await make('You won a free cruise', 'prizes@cruise.example'),
    real: await make('Invoice question', 'ann@customer.example'),
    junk: [await make('Cheap watches', 'deals@watch.example'), await make('Crypto doubling', 'win@coin.example')],
  };
});

describe('spam and the blocklist', () => {
  it('a supervisor marks a case as spam blocking its sender; Spam lists it; the admin manages the blocklist; Not spam restores it', async () => {
    const sue = app.org.users.sue;
    const { page, context, errors } = await signedIn(app.browser, app.server.url, sue, LAPTOP);

    // The case page offers Mark as spam; the dialog offers to block the address or its domain.
    await page.goto(`${app.server.url}/cases/${app.cruise.id}`);
    await page.getByRole('heading', { name: 'You won a free cruise' }).waitFor();
    await page.getByRole('button', { name: 'Mark as spam…' }).click();
    const dialog = page.getByRole('dialog', { name: `Mark case ${app.cruise.reference} as spam?` });
    await dialog.getByRole('radio', { name: 'Block prizes@cruise.example' }).check();
    expect(await dialog.getByRole('radio', { name: 'Block everyone at cruise.example' }).isVisible()).toBe(true);
    await shot(page, 'spam-dialog');
    await page.setViewportSize(PHONE);
    await shot(page, 'spam-dialog-phone');
    await page.setViewportSize(LAPTOP);
    await dialog.getByRole('button', { name: 'Mark as spam' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('.case-header').getByText('Spam', { exact: true }).waitFor();
    await page.getByRole('status').getByText('Marked as spam.').waitFor();
    await page.getByRole('button', { name: 'Not spam' }).waitFor();
    await page.getByText('blocked prizes@cruise.example').waitFor();
    await shot(page, 'spam-case');
    await page.setViewportSize(PHONE);
    await shot(page, 'spam-case-phone');
    await page.setViewportSize(LAPTOP);

    // All cases no longer lists it; the Spam entry does, with Not spam in its row menu.
    await page.goto(`${app.server.url}/cases`);
    await page.getByRole('link', { name: app.real.subject }).first().waitFor();
    expect(await page.getByRole('link', { name: app.cruise.subject }).count()).toBe(0);
    await page.getByRole('link', { name: 'Spam', exact: true }).click();
    await page.waitForURL(/status=spam/);
    await page.getByRole('link', { name: app.cruise.subject }).first().waitFor();
    expect(await page.getByRole('link', { name: app.real.subject }).count()).toBe(0);
    await page.getByRole('button', { name: `Actions for case ${app.cruise.reference}` }).click();
    await page.getByRole('menuitem', { name: 'Not spam' }).waitFor();
    await shot(page, 'spam-list');
    await page.keyboard.press('Escape');
    await page.setViewportSize(PHONE);
    await shot(page, 'spam-list-phone');
    await page.setViewportSize(LAPTOP);

    // The administrator's Blocklist: the blocked address, a refused value, a domain added, both removed.
    const admin = await signedIn(app.browser, app.server.url, ADMIN, LAPTOP);
    const ap = admin.page;
    await ap.goto(`${app.server.url}/admin/blocklist`);
    await ap.getByRole('heading', { name: 'Blocklist', level: 2 }).waitFor();
    await ap.getByRole('cell', { name: 'prizes@cruise.example', exact: true }).waitFor();
    await ap.getByRole('button', { name: 'Block sender or domain' }).click();
    const block = ap.getByRole('dialog', { name: 'Block a sender or domain' });
    await block.getByRole('radio', { name: 'A whole domain and its subdomains' }).check();
    await block.getByLabel('Domain', { exact: true }).fill('not a domain');
    await block.getByRole('button', { name: 'Block' }).click();
    await block.getByText(/Domain is not a domain name/).waitFor();
    await shot(ap, 'blocklist-dialog-error');
    await block.getByLabel('Domain', { exact: true }).fill('Spam.Example');
    await block.getByRole('button', { name: 'Block' }).click();
    await block.waitFor({ state: 'detached' });
    await ap.getByRole('cell', { name: '*@spam.example', exact: true }).waitFor();
    await shot(ap, 'blocklist');
    await ap.setViewportSize(PHONE);
    await shot(ap, 'blocklist-phone');
    await ap.setViewportSize(LAPTOP);
    for (const value of ['prizes@cruise.example', 'spam.example']) {
      await ap.getByRole('button', { name: `Unblock ${value}` }).click();
      await ap.getByRole('dialog').getByRole('button', { name: 'Unblock' }).click();
      await ap.getByRole('dialog').waitFor({ state: 'detached' });
    }
    await ap.getByText('Nobody is blocked').waitFor();
    await shot(ap, 'blocklist-empty');
    await ap.setViewportSize(PHONE);
    await shot(ap, 'blocklist-empty-phone');
    const adminApi = strict(await apiSession(app.server.url, ADMIN.email, ADMIN.password));
    expect(await adminApi<{ entries: unknown[] }>('GET', '/blocklist')).toEqual({ entries: [] });
    await admin.context.close();

    // Not spam from the case page: open again, in the team's queue.
    await page.goto(`${app.server.url}/cases/${app.cruise.id}`);
    await page.getByRole('button', { name: 'Not spam' }).click();
    await page.locator('.case-header').getByText('New', { exact: true }).waitFor();
    const after = await adminApi<CaseJson>('GET', `/cases/${app.cruise.id}`);
    expect(after.status).toBe('new');
    expect(errors).toEqual([]);
    expect(admin.errors).toEqual([]);
    await context.close();
  });

  it('a supervisor marks several cases as spam at once from the Cases table; each case says when it became spam', async () => {
    const { page, context, errors } = await signedIn(app.browser, app.server.url, app.org.users.sue, LAPTOP);
    await page.goto(`${app.server.url}/cases`);
    await page.getByRole('table').locator('tbody tr').first().waitFor();
    for (const c of app.junk) await page.getByLabel(`Select case ${c.reference}`).check();
    const bar = page.getByRole('region', { name: 'Bulk actions' });
    await bar.getByRole('button', { name: /^Mark as spam/ }).waitFor();
    await shot(page, 'cases-bulk-spam');
    await bar.getByRole('button', { name: /^Mark as spam/ }).click();
    await page.getByRole('status').getByText('Marked as spam 2 of 2 cases.').waitFor();
    const api = strict(await apiSession(app.server.url, ADMIN.email, ADMIN.password));
    for (const c of app.junk) {
      const after = await api<CaseJson & { spamAt: string | null }>('GET', `/cases/${c.id}`);
      expect(after.status).toBe('spam');
      expect(Number.isNaN(Date.parse(after.spamAt ?? ''))).toBe(false);
    }
    await expect.poll(() => page.getByRole('link', { name: 'Cheap watches' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
