import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ADMIN } from './support/server.ts';
import { apiSession, createCases, seedOrg, strict, type CaseJson } from './support/api.ts';
import { PHONE, shot, signedIn } from './support/browser.ts';
import { e2eApp } from './support/app.ts';

type CaseData = CaseJson & { priority: string; tags: string[]; customer: { id: string; name: string | null } | null };

const LAPTOP = { width: 1366, height: 900 };
/** Waits for what the page shows after a save and its live refresh (longer than the default second on a busy machine). */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });

const app = e2eApp(async (admin) => {
  const org = await seedOrg(admin);
  const call = strict(admin);
  const [edited, refund, outage, invoice, quiet] = await createCases(admin, org.supportId, [
    'Printer offline since the update',
    'Refund for order 1182',
    'Checkout page times out',
    'Invoice lists the premium plan twice',
    'Question about opening hours',
  ]);
  // A second customer to link the edited case to.
  const other = await call<CaseData>('POST', '/cases', {
    subject: 'Delivery is late',
    teamId: org.supportId,
    customer: { name: 'Dmitri Dunn', email: 'dmitri@mail.test' },
  });
  const set = async (c: CaseJson, priority: string, tags: string[]) => {
    await call('PATCH', `/cases/${c.id}`, { priority });
    if (tags.length) await call('POST', `/cases/${c.id}/tags`, { add: tags });
  };
  await set(refund!, 'high', ['billing', 'refund']);
  await set(outage!, 'urgent', ['billing', 'outage']);
  await set(invoice!, 'low', ['billing']);
  await set(quiet!, 'urgent', ['hours']);
  return { org, edited: edited!, refund: refund!, outage: outage!, invoice: invoice!, quiet: quiet!, dmitriId: other.customer!.id };
});

const historyText = (page: Page) => page.getByRole('region', { name: 'History' }).locator('.history-text').allTextContents();
const rowRefs = (page: Page) => page.locator('table.cases-table tbody .case-ref').allTextContents();

describe('priority, tags and editing a case', () => {
  it('an agent edits priority, tags, subject and customer on the case page; history, another viewer and the table follow', async () => {
    const { alice, sue } = app.org.users;
    await strict(await apiSession(app.server.url, alice.email, alice.password))('POST', `/cases/${app.edited.id}/claim`, {});
    // Sue has the case open too: she sees Alice's edits arrive without reloading.
    const watcher = await signedIn(app.browser, app.server.url, sue, LAPTOP);
    await watcher.page.goto(`${app.server.url}/cases/${app.edited.id}`);
    await watcher.page.getByLabel('Priority').waitFor();

    const { page, context, errors } = await signedIn(app.browser, app.server.url, alice, LAPTOP);
    await page.goto(`${app.server.url}/cases/${app.edited.id}`);
    const details = page.getByRole('region', { name: 'Details' });
    const priority = details.getByLabel('Priority');
    expect(await priority.inputValue()).toBe('normal');

    await priority.selectOption('urgent');
    await poll(() => historyText(page)).toContain(`${alice.name} changed the priority from normal to urgent`);
    await page.locator('.case-header').getByText('Urgent').waitFor();

    const tags = details.getByRole('combobox', { name: 'Tags' });
    await tags.fill('bil');
    // Suggestions come from the tags in use (GET /tags).
    await details.getByRole('option', { name: 'billing' }).waitFor();
    await tags.press('ArrowDown');
    await tags.press('Enter');
    await poll(() => historyText(page)).toContain(`${alice.name} added the tag “billing”`);
    await tags.fill('Printer ');
    await tags.press('Enter');
    await poll(() => historyText(page)).toContain(`${alice.name} added the tag “printer”`);
    expect(await details.getByRole('list', { name: 'Tags: chosen' }).getByRole('listitem').allTextContents()).toEqual([
      'billing',
      'printer',
    ]);
    await details.getByRole('button', { name: 'Remove tag billing' }).click();
    await poll(() => historyText(page)).toContain(`${alice.name} removed the tag “billing”`);

    await page.getByRole('button', { name: 'Edit case' }).click();
    let dialog = page.getByRole('dialog', { name: `Edit ${app.edited.reference}` });
    await dialog.getByLabel('Subject').fill('Printer offline after the firmware update');
    await dialog.getByLabel('Description').fill('Since Monday the office printer shows “offline” on every laptop.');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { level: 1, name: 'Printer offline after the firmware update' }).waitFor();
    await poll(() => historyText(page)).toContain(`${alice.name} renamed the case to “Printer offline after the firmware update”`);
    expect(await historyText(page)).toContain(`${alice.name} edited the description`);

    await page.getByRole('button', { name: 'Change customer' }).click();
    dialog = page.getByRole('dialog', { name: "Change the case's customer" });
    await dialog.getByRole('combobox', { name: 'Customer' }).fill('Dmitri');
    await dialog.getByRole('option', { name: /Dmitri Dunn/ }).click();
    await poll(() => page.getByRole('dialog').count()).toBe(0);
    await page.getByRole('region', { name: 'Customer' }).getByRole('link', { name: 'Dmitri Dunn', exact: true }).waitFor();
    await poll(() => historyText(page)).toContain(`${alice.name} changed the customer to Dmitri Dunn`);
    await shot(page, 'case-data-case-page');
    await page.setViewportSize(PHONE);
    await shot(page, 'case-data-case-page-phone');

    // The other viewer's page followed every change (live), without a reload.
    await watcher.page.getByRole('heading', { level: 1, name: 'Printer offline after the firmware update' }).waitFor();
    await poll(() => watcher.page.getByRole('region', { name: 'Details' }).getByLabel('Priority').inputValue()).toBe('urgent');
    expect(await watcher.page.getByRole('region', { name: 'Details' }).getByRole('list', { name: 'Tags: chosen' }).textContent()).toBe(
      'printer',
    );

    const stored = await strict(await apiSession(app.server.url, alice.email, alice.password))<CaseData>('GET', `/cases/${app.edited.id}`);
    expect(stored).toMatchObject({ priority: 'urgent', tags: ['printer'], subject: 'Printer offline after the firmware update' });
    expect(stored.customer?.id).toBe(app.dmitriId);

    // The table row and the My Work card show the priority and tags at a glance.
    await page.setViewportSize(LAPTOP);
    await page.goto(`${app.server.url}/cases`);
    const row = page.locator('table.cases-table tbody tr', { hasText: app.edited.reference });
    await row.waitFor();
    expect(await row.locator('.col-priority').textContent()).toBe('Priority: Urgent');
    expect(await row.locator('.col-tags').getByRole('listitem').allTextContents()).toEqual(['printer']);
    await shot(page, 'case-data-table');
    await page.goto(`${app.server.url}/`);
    const card = page.locator('.case-card', { hasText: app.edited.reference });
    await card.waitFor();
    expect(await card.locator('.priority').textContent()).toBe('Priority: Urgent');
    expect(await card.getByRole('list', { name: 'Tags' }).textContent()).toBe('printer');
    await shot(page, 'case-data-my-work');
    await page.setViewportSize(PHONE);
    await shot(page, 'case-data-my-work-phone');
    expect(errors).toEqual([]);
    expect(watcher.errors).toEqual([]);
    await context.close();
    await watcher.context.close();
  });

  it('the Cases list filters by priority and tags through the URL, sorts by priority and a saved view keeps the filters', async () => {
    const { sue } = app.org.users;
    const { page, context, errors } = await signedIn(app.browser, app.server.url, sue, LAPTOP);
    await page.goto(`${app.server.url}/cases?priority=high,urgent&tag=billing`);
    await poll(async () => (await rowRefs(page)).sort()).toEqual([app.refund.reference, app.outage.reference].sort());
    expect(await page.getByRole('button', { name: /^Priority:/ }).textContent()).toContain('Urgent, High');
    const filter = page.getByRole('search', { name: 'Filter cases' });
    expect(await filter.getByRole('list', { name: 'Tags: chosen' }).textContent()).toBe('billing');

    // A second tag narrows (every tag must match), from the box's suggestions.
    const box = filter.getByRole('combobox', { name: 'Tags' });
    await box.fill('out');
    await filter.getByRole('option', { name: 'outage' }).click();
    await page.waitForURL(/tag=billing&tag=outage|tag=outage&tag=billing/);
    await poll(() => rowRefs(page)).toEqual([app.outage.reference]);
    await filter.getByRole('button', { name: 'Remove tag outage' }).click();
    await filter.getByRole('button', { name: 'Remove tag billing' }).click();
    await poll(() => new URL(page.url()).searchParams.getAll('tag')).toEqual([]);
    // High and urgent: the two seeded with billing, the urgent one without, and the case edited above.
    await poll(async () => (await rowRefs(page)).length).toBe(4);

    // Sorting by priority asks the server: urgent first, low last.
    await page.goto(`${app.server.url}/cases`);
    await page.getByRole('button', { name: /^Priority$/ }).click();
    await page.waitForURL(/sort=priority/);
    const urgent = [app.outage.reference, app.quiet.reference, app.edited.reference].sort();
    await poll(async () => (await rowRefs(page)).slice(0, 3).sort()).toEqual(urgent);
    expect((await rowRefs(page)).at(-1)).toBe(app.invoice.reference);
    expect(await page.getByRole('columnheader', { name: /^Priority/ }).getAttribute('aria-sort')).toBe('descending');

    await page.goto(`${app.server.url}/cases?priority=urgent&tag=billing`);
    await poll(() => rowRefs(page)).toEqual([app.outage.reference]);
    await shot(page, 'case-data-filtered');
    await page.getByRole('button', { name: 'Save view…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Urgent billing');
    await dialog.getByRole('button', { name: /Save/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Urgent billing' }).waitFor();
    const views = await strict(await apiSession(app.server.url, sue.email, sue.password))<{
      views: { name: string; filters: Record<string, unknown> }[];
    }>('GET', '/views');
    expect(views.views.find((v) => v.name === 'Urgent billing')?.filters).toEqual({ priority: 'urgent', tag: ['billing'] });
    await page.goto(`${app.server.url}/cases`);
    await page.getByRole('link', { name: /Urgent billing/ }).click();
    await poll(() => rowRefs(page)).toEqual([app.outage.reference]);

    await page.getByRole('group', { name: 'Layout' }).getByRole('button', { name: 'Cards' }).click();
    const card = page.locator('.case-card', { hasText: app.outage.reference });
    await card.waitFor();
    expect(await card.getByRole('list', { name: 'Tags' }).getByRole('listitem').allTextContents()).toEqual(['billing', 'outage']);
    await shot(page, 'case-data-cards');
    await page.setViewportSize(PHONE);
    await shot(page, 'case-data-cards-phone');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('with a managed tag list, a tag outside it is refused with a message and listed tags are offered', async () => {
    const admin = await signedIn(app.browser, app.server.url, ADMIN, LAPTOP);
    await admin.page.goto(`${app.server.url}/admin/organisation`);
    await admin.page.getByLabel(/A managed list/).check();
    const list = admin.page.getByRole('combobox', { name: 'Managed tags' });
    await list.waitFor();
    // Switching on starts from the tags in use; trim it to two and add one.
    for (const tag of ['outage', 'printer', 'hours', 'refund']) {
      await admin.page.getByRole('button', { name: `Remove tag ${tag}` }).click();
    }
    await list.fill('vip');
    await list.press('Enter');
    await admin.page.getByRole('button', { name: 'Save' }).click();
    await admin.page.getByText('Organisation saved').waitFor();
    await shot(admin.page, 'case-data-managed-tags-admin');
    const organisation = await strict(await apiSession(app.server.url, ADMIN.email, ADMIN.password))<{ managedTags: string[] | null }>(
      'GET',
      '/organisation',
    );
    expect(organisation.managedTags).toEqual(['billing', 'vip']);
    await admin.context.close();

    const { sue } = app.org.users;
    const { page, context, errors } = await signedIn(app.browser, app.server.url, sue, LAPTOP);
    await page.goto(`${app.server.url}/cases/${app.quiet.id}`);
    const details = page.getByRole('region', { name: 'Details' });
    const tags = details.getByRole('combobox', { name: 'Tags' });
    await tags.fill('escalated');
    await tags.press('Enter');
    await details
      .getByRole('alert')
      .getByText("“escalated” is not on the organisation's tag list. Choose one of the listed tags, or ask an administrator to add it.")
      .waitFor();
    await shot(page, 'case-data-managed-refused');
    // A tag from before the list stays and can still be removed; listed ones are offered.
    await tags.fill('');
    await tags.click();
    expect(await details.getByRole('listbox', { name: 'Tags suggestions' }).getByRole('option').allTextContents()).toEqual([
      'billing',
      'vip',
    ]);
    await details.getByRole('option', { name: 'vip' }).click();
    await poll(() => historyText(page)).toContain(`${sue.name} added the tag “vip”`);
    await details.getByRole('button', { name: 'Remove tag hours' }).click();
    await poll(() => historyText(page)).toContain(`${sue.name} removed the tag “hours”`);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the bulk bar sets the priority of the selected cases and adds a tag to them in one request each', async () => {
    const { sue } = app.org.users;
    const { page, context, errors } = await signedIn(app.browser, app.server.url, sue, LAPTOP);
    await page.goto(`${app.server.url}/cases?tag=billing`);
    await poll(async () => (await rowRefs(page)).length).toBe(3);
    await page.getByLabel(`Select case ${app.refund.reference}`).check();
    await page.getByLabel(`Select case ${app.invoice.reference}`).check();
    const bar = page.getByRole('region', { name: 'Bulk actions' });
    await bar.getByRole('button', { name: /^Priority…/ }).click();
    let dialog = page.getByRole('dialog', { name: 'Set the priority of 2 cases' });
    await dialog.getByLabel('Urgent').check();
    await shot(page, 'case-data-bulk-priority');
    await dialog.getByRole('button', { name: 'Set priority' }).click();
    await page.getByText('Set the priority of 2 of 2 cases.').waitFor();
    await expect
      .poll(() => page.locator('table.cases-table tbody tr', { hasText: app.invoice.reference }).locator('.col-priority').textContent())
      .toBe('Priority: Urgent');

    await page.getByLabel(`Select case ${app.refund.reference}`).check();
    await page.getByLabel(`Select case ${app.invoice.reference}`).check();
    await bar.getByRole('button', { name: /^Tags…/ }).click();
    dialog = page.getByRole('dialog', { name: 'Tags of 2 cases' });
    // The managed list (billing, vip) limits what can be added.
    const box = dialog.getByRole('combobox', { name: 'Tags to change' });
    await box.fill('vip');
    await box.press('Enter');
    await dialog.getByRole('button', { name: 'Add tag' }).click();
    await page.getByText('Changed the tags of 2 of 2 cases.').waitFor();
    const api = strict(await apiSession(app.server.url, sue.email, sue.password));
    for (const c of [app.refund, app.invoice]) {
      const stored = await api<CaseData>('GET', `/cases/${c.id}`);
      expect(stored.priority).toBe('urgent');
      expect(stored.tags).toContain('vip');
    }
    expect(errors).toEqual([]);
    await context.close();
  });
});
