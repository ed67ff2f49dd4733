import { describe, expect, it } from 'vitest';
import { ADMIN } from './support/server.ts';
import { apiSession, strict } from './support/api.ts';
import { PHONE, shot, signedIn } from './support/browser.ts';
import { e2eApp, orgWithCases } from './support/app.ts';

const app = e2eApp(orgWithCases(['Upgrade to the gold plan']));
const DESKTOP = { width: 1280, height: 800 };

describe('custom case fields', () => {
  it('an admin defines fields: list, add, edit, delete', async () => {
    const { page, context, errors } = await signedIn(app.browser, app.server.url, ADMIN, DESKTOP);
    await page.goto(`${app.server.url}/admin/fields`);
    await page.getByText('No custom fields yet').waitFor();

    await page.getByRole('button', { name: 'New field' }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByLabel('Label').fill('Plan');
    expect(await dialog.getByLabel('Key').inputValue()).toBe('plan');
    await dialog.getByLabel('Type').selectOption('select');
    await dialog.getByLabel('Options').fill('Free\nGold\nEnterprise');
    await dialog.getByLabel(/Required to resolve/).check();
    await dialog.getByRole('button', { name: 'Add field' }).click();
    await page.getByRole('row', { name: /Plan/ }).waitFor();

    for (const [label, type] of [
      ['Seats', 'number'],
      ['Renewal date', 'date'],
      ['Modules', 'multiselect'],
      ['VIP', 'checkbox'],
      ['Account manager', 'text'],
    ] as const) {
      await page.getByRole('button', { name: 'New field' }).click();
      dialog = page.getByRole('dialog');
      await dialog.getByLabel('Label').fill(label);
      await dialog.getByLabel('Type').selectOption(type);
      if (type === 'multiselect') await dialog.getByLabel('Options').fill('Chat\nEmail\nVoice');
      await dialog.getByRole('button', { name: 'Add field' }).click();
      await page.getByRole('row', { name: new RegExp(label) }).waitFor();
    }

    await page.getByRole('button', { name: 'Edit field Account manager' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByLabel('Label').fill('Account owner');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('row', { name: /Account owner/ }).waitFor();

    await page.getByRole('button', { name: 'Delete field VIP' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete field' }).click();
    await expect.poll(() => page.getByRole('row', { name: /VIP/ }).count()).toBe(0);
    await shot(page, 'case-fields-admin');

    const fields = await strict(await apiSession(app.server.url, ADMIN.email, ADMIN.password))<{ fields: { key: string }[] }>(
      'GET',
      '/case-fields',
    );
    expect(fields.fields.map((f) => f.key)).toEqual(['plan', 'seats', 'renewal_date', 'modules', 'account_manager']);
    await page.setViewportSize(PHONE);
    await shot(page, 'case-fields-admin-phone');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('an agent cannot resolve until the required field is set, edits fields inline, and the history records it', async () => {
    const alice = app.org.users.alice;
    const caseItem = app.cases[0]!;
    await strict(await apiSession(app.server.url, alice.email, alice.password))('POST', `/cases/${caseItem.id}/claim`, {});
    const { page, context, errors } = await signedIn(app.browser, app.server.url, alice, DESKTOP);
    await page.goto(`${app.server.url}/cases/${caseItem.id}`);
    const panel = page.getByRole('region', { name: 'Fields' });
    await panel.getByLabel('Plan').waitFor();

    await page.getByRole('button', { name: 'Resolve' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('alert').getByText('Set Plan first.').waitFor();
    await dialog.getByRole('button', { name: 'Resolve' }).click();
    await page.getByText('Set Plan before resolving this case.').waitFor();
    await shot(page, 'case-fields-resolve-refused');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await panel.getByLabel('Plan').selectOption('Gold');
    await expect.poll(() => page.getByText(`${alice.name} set Plan to Gold`).count()).toBe(1);
    await panel.getByLabel('Seats').fill('12');
    await panel.getByLabel('Seats').press('Enter');
    await panel.getByLabel('Renewal date').fill('2027-01-31');
    await panel.getByRole('checkbox', { name: 'Voice' }).click();
    await expect.poll(() => page.getByText(`${alice.name} set Modules to Voice`).count()).toBe(1);
    await panel.getByLabel('Account owner').fill('Dana');
    await panel.getByLabel('Account owner').blur();
    await expect.poll(() => page.getByText(`${alice.name} set Account owner to Dana`).count()).toBe(1);
    await expect.poll(() => page.getByText(`${alice.name} set Seats to 12`).count()).toBe(1);
    await shot(page, 'case-fields-case-page');

    const stored = await strict(await apiSession(app.server.url, alice.email, alice.password))<{ fields: Record<string, unknown> }>(
      'GET',
      `/cases/${caseItem.id}`,
    );
    expect(stored.fields).toEqual({ plan: 'Gold', seats: 12, renewal_date: '2027-01-31', modules: ['Voice'], account_manager: 'Dana' });

    await page.setViewportSize(PHONE);
    await shot(page, 'case-fields-case-page-phone');
    await page.setViewportSize(DESKTOP);
    await page.getByRole('button', { name: 'Resolve' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => page.locator('.case-header').getByText('Resolved').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
