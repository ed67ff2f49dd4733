import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { apiSession, createCases, seedOrg, strict } from './support/api.ts';
import { PHONE, shot, signedIn } from './support/browser.ts';
import { e2eApp } from './support/app.ts';

const LONG = 'The invoice for March lists the premium plan twice although we downgraded to the basic plan in February';
const app = e2eApp(async (admin) => {
  const org = await seedOrg(admin);
  const cases = await createCases(admin, org.supportId, ['Printer offline', LONG, 'Password reset', 'Refund for order 1182']);
  await createCases(admin, org.billingId, ['Billing address change']);
  return { org, cases };
});
const WIDE = { width: 1280, height: 800 };

const focusedRef = (page: Page) =>
  page.evaluate(() => document.activeElement?.closest('tr')?.querySelector('.case-ref')?.textContent ?? null);
const rowRefs = (page: Page) => page.locator('table.cases-table tbody .case-ref').allTextContents();

describe('the Cases table', () => {
  it('shows one dense row per case, sorts on the server and works from the keyboard (j/k, x, Enter)', async () => {
    const { page, context, errors } = await signedIn(app.browser, app.server.url, app.org.users.sue, WIDE);
    await page.goto(`${app.server.url}/cases`);
    const table = page.getByRole('table');
    await table.locator('tbody tr').first().waitFor();
    expect(await table.locator('thead th').allTextContents()).toEqual([
      'Select',
      'Reference',
      'Subject',
      'Customer',
      'Priority',
      'Tags',
      'Status',
      'Team',
      'Owner',
      'Age (sorted, newest first)',
      'Last activity',
      'Actions',
    ]);
    expect(await table.locator('tbody tr').count()).toBe(5);
    // The long subject is shortened with an ellipsis; its full text is the title.
    const long = table.getByRole('link', { name: LONG });
    expect(await long.getAttribute('title')).toBe(LONG);
    expect(await long.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    expect(await table.getByRole('columnheader', { name: /^Age/ }).getAttribute('aria-sort')).toBe('descending');

    const refs = await rowRefs(page);
    await page.keyboard.press('j');
    expect(await focusedRef(page)).toBe(refs[0]);
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    expect(await focusedRef(page)).toBe(refs[1]);
    await page.keyboard.press('x');
    const bar = page.getByRole('region', { name: 'Bulk actions' });
    expect(await bar.textContent()).toContain('1 selected');
    expect(await page.getByLabel(`Select case ${refs[1]}`).isChecked()).toBe(true);
    await shot(page, 'cases-table');
    await page.keyboard.press('x');
    expect(await bar.count()).toBe(0);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    await page.getByText(refs[1]!).first().waitFor();
    await page.goBack();

    // Sorting by last activity asks the server (sort=updated); a change moves that case to the top.
    await strict(await apiSession(app.server.url, app.org.users.sue.email, app.org.users.sue.password))(
      'POST',
      `/cases/${app.cases[2]!.id}/follow`,
      {},
    );
    await page.getByRole('button', { name: /^Last activity/ }).click();
    await page.waitForURL(/sort=updated/);
    await expect.poll(async () => (await rowRefs(page))[0]).toBe(app.cases[2]!.reference);
    expect(await page.getByRole('columnheader', { name: /^Last activity/ }).getAttribute('aria-sort')).toBe('descending');
    expect(await page.getByRole('columnheader', { name: /^Age/ }).getAttribute('aria-sort')).toBe('none');

    // Cards instead, remembered after a reload.
    await page.getByRole('group', { name: 'Layout' }).getByRole('button', { name: 'Cards' }).click();
    await page.locator('.case-card').first().waitFor();
    expect(await page.getByRole('table').count()).toBe(0);
    await page.reload();
    await page.locator('.case-card').first().waitFor();
    expect(await page.getByRole('button', { name: 'Cards' }).getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    expect(await page.getByRole('region', { name: 'Bulk actions' }).textContent()).toContain('1 selected');
    await page.getByRole('button', { name: 'Table' }).click();
    await page.getByRole('table').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('saves the filters as a view shared with a team; its count is live for the team', async () => {
    const sue = await signedIn(app.browser, app.server.url, app.org.users.sue, WIDE);
    await sue.page.goto(`${app.server.url}/cases?status=new&teamId=${app.org.supportId}`);
    await sue.page.getByRole('button', { name: 'Save view…' }).click();
    const dialog = sue.page.getByRole('dialog', { name: 'Save view' });
    await dialog.getByLabel('Name').fill('Support queue');
    await dialog.getByLabel('Members of these teams').check();
    await dialog.getByRole('checkbox', { name: 'Billing' }).uncheck();
    await shot(sue.page, 'cases-view-save');
    await dialog.getByRole('button', { name: 'Save view' }).click();
    await sue.page.waitForURL(/view=/);
    const nav = sue.page.getByRole('navigation', { name: 'Saved views' });
    const link = nav.getByRole('link', { name: /Support queue/ });
    await expect.poll(() => link.textContent()).toMatch(/Support queue\s*\d+/);
    await expect.poll(() => link.getAttribute('aria-current')).toBe('page');
    expect(await sue.page.getByRole('heading', { level: 1 }).textContent()).toBe('Support queue');

    // Alice, an agent of Support, sees it (not editable) with the same count, and the count follows new cases live.
    const alice = await signedIn(app.browser, app.server.url, app.org.users.alice, WIDE);
    await alice.page.goto(`${app.server.url}/cases`);
    const aliceLink = alice.page.getByRole('navigation', { name: 'Saved views' }).getByRole('link', { name: /Support queue/ });
    const count = async () => Number((await aliceLink.locator('.view-count').textContent())?.match(/\d+/)?.[0]);
    await expect.poll(count).toBeGreaterThan(0);
    await alice.page.locator('.live-dot.live-open').waitFor();
    const before = await count();
    await createCases(app.admin, app.org.supportId, ['Arrived while watching']);
    await createCases(app.admin, app.org.billingId, ['Not for this view']);
    await expect.poll(count, { timeout: 15_000 }).toBe(before + 1);
    await aliceLink.click();
    await alice.page.waitForURL(/view=/);
    await alice.page.getByRole('table').locator('tbody tr').first().waitFor();
    expect(await alice.page.getByRole('button', { name: /Edit view/ }).count()).toBe(0);
    await shot(alice.page, 'cases-view-shared');

    // At phone width: cards, the views as a row of links, no layout choice.
    const phone = await signedIn(app.browser, app.server.url, app.org.users.alice, PHONE);
    await phone.page.goto(`${app.server.url}/cases`);
    await phone.page.locator('.case-card').first().waitFor();
    expect(await phone.page.getByRole('table').count()).toBe(0);
    expect(await phone.page.getByRole('group', { name: 'Layout' }).count()).toBe(0);
    await phone.page
      .getByRole('navigation', { name: 'Saved views' })
      .getByRole('link', { name: /Support queue/ })
      .waitFor();
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await shot(phone.page, 'phone-cases-views');
    // Sue renames it, sees her filter change marked, and removes it.
    await sue.page.getByRole('button', { name: 'Edit view…' }).click();
    const edit = sue.page.getByRole('dialog', { name: /Edit view/ });
    await edit.getByLabel('Name').fill('Support new cases');
    await edit.getByRole('button', { name: 'Save view' }).click();
    await nav.getByRole('link', { name: /Support new cases/ }).waitFor();
    await sue.page.goto(`${sue.page.url()}&ownerId=none`);
    await sue.page.getByRole('button', { name: 'Save changes…' }).waitFor();
    expect(await sue.page.getByRole('heading', { level: 1 }).textContent()).toBe('Support new cases (changed)');
    await sue.page.getByRole('button', { name: 'Save changes…' }).click();
    await sue.page
      .getByRole('dialog', { name: /Edit view/ })
      .getByRole('button', { name: 'Remove view' })
      .click();
    await expect.poll(() => nav.getByRole('link', { name: /Support new cases/ }).count()).toBe(0);
    expect([...sue.errors, ...alice.errors, ...phone.errors]).toEqual([]);
    await Promise.all([sue.context.close(), alice.context.close(), phone.context.close()]);
  });
});
