import { describe, expect, it } from 'vitest';
import { seedOrg, strict, type CaseJson } from './support/api.ts';
import { PHONE, shot, signedIn } from './support/browser.ts';
import { e2eApp } from './support/app.ts';

type Created = CaseJson & { customer: { id: string } };

const app = e2eApp(async (admin) => {
  const org = await seedOrg(admin);
  const call = strict(admin);
  const make = (subject: string, teamId: string, customer: object) => call<Created>('POST', '/cases', { subject, teamId, customer });
  const carla = { name: 'Carla Customer', email: 'carla@mail.test' };
  const first = await make('Printer jams every morning', org.supportId, carla);
  await make('Invoice shows the wrong address', org.billingId, carla);
  const reset = await make('Password reset link expired', org.supportId, carla);
  const dup = await make('Printer again (called from a different address)', org.supportId, {
    name: 'Carla C.',
    email: 'carla.c@work.test',
  });
  const late = await make('Delivery is late', org.supportId, { name: 'Dmitri Dunn', phone: '+44 20 7946 0018' });
  const parcel = await make('Parcel never arrived', org.supportId, { name: 'Mia Mobil', phone: '+4915153849386' });
  const unnamed = await make('Call me back', org.supportId, { phone: '+1 202 555 0123' });
  await call('POST', `/cases/${first.id}/assign`, { ownerId: org.users.alice.id });
  await call('POST', `/cases/${first.id}/resolve`, { resolution: 'completed' });
  return { org, carlaId: first.customer.id, dupId: dup.customer.id, reset, late, parcel, unnamed };
});

describe('customers', () => {
  it('a supervisor finds a customer, edits them and merges a duplicate into them', async () => {
    const { page, context, errors } = await signedIn(app.browser, app.server.url, app.org.users.sue);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('heading', { name: 'Customers' }).waitFor();
    await page.getByLabel('Search customers').fill('carla');
    await expect.poll(() => page.locator('.customers-table tbody tr').count()).toBe(2);
    await shot(page, 'customers-list');

    await page.getByRole('link', { name: /Carla Customer/ }).click();
    await page.getByRole('heading', { name: 'Carla Customer', level: 1 }).waitFor();
    const subjects = () => page.locator('.customer-case-subject').allTextContents();
    await expect.poll(subjects).toEqual(['Password reset link expired', 'Invoice shows the wrong address', 'Printer jams every morning']);
    expect(await page.locator('.customer-cases .chip-status').allTextContents()).toEqual(['New', 'New', 'Resolved']);

    await page.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Carla Customer' });
    await edit.getByLabel('Email').fill('carla@mail');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.locator('.field-error').waitFor();
    await edit.getByLabel('Email').fill('carla@mail.test');
    await edit.getByLabel('Phone').fill('+49 30 555 0100');
    await edit.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    // Stored in E.164 however it was typed; shown in international grouping, calling the stored number.
    await expect.poll(() => page.locator('.details').textContent()).toContain('+49 30 5550100');
    expect(await page.locator('.details a.phone-link').getAttribute('href')).toBe('tel:+49305550100');
    await shot(page, 'customer-profile');

    await page.goto(`${app.server.url}/customers/${app.dupId}`);
    await page.getByRole('button', { name: 'Merge…' }).click();
    const merge = page.getByRole('dialog', { name: 'Merge Carla C. into another customer' });
    const picker = merge.getByRole('combobox', { name: 'Customer to keep' });
    await picker.fill('Carla');
    await merge.getByRole('option', { name: /Carla Customer/ }).waitFor();
    expect(await merge.getByRole('option').allTextContents()).toEqual([expect.stringContaining('Carla Customer')]);
    await shot(page, 'customer-merge-pick');
    await picker.press('Enter');
    await merge.getByText('A merge cannot be undone.').waitFor();
    await shot(page, 'customer-merge-confirm');
    await merge.getByRole('button', { name: 'Merge into Carla Customer' }).click();
    await page.waitForURL(`**/customers/${app.carlaId}`);
    await expect.poll(subjects).toContain('Printer again (called from a different address)');
    await expect.poll(() => page.locator('.merged-list').textContent()).toContain('carla.c@work.test');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a case page and a profile show a customer edited in another session without reloading', async () => {
    const { page, context, errors } = await signedIn(app.browser, app.server.url, app.org.users.alice);
    const profile = await context.newPage();
    await profile.goto(`${app.server.url}/customers/${app.late.customer.id}`);
    await profile.getByRole('heading', { name: 'Dmitri Dunn', level: 1 }).waitFor();
    await page.goto(`${app.server.url}/cases/${app.late.id}`);
    const panel = page.locator('section', { has: page.getByRole('heading', { name: 'Customer' }) });
    await expect.poll(() => panel.textContent()).toContain('Dmitri Dunn');
    await strict(app.admin)('PATCH', `/customers/${app.late.customer.id}`, { name: 'Dmitri Dunn-Ivanov', phone: '+44 20 7946 0019' });
    await expect.poll(() => panel.textContent()).toContain('Dmitri Dunn-Ivanov');
    await expect.poll(() => panel.textContent()).toContain('+44 20 7946 0019');
    await profile.getByRole('heading', { name: 'Dmitri Dunn-Ivanov', level: 1 }).waitFor();
    await shot(page, 'case-customer-live-edit');
    expect(errors).toEqual([]);
    await context.close();
  });

  for (const [viewport, suffix] of [
    [undefined, ''],
    [PHONE, '-phone'],
  ] as const) {
    it(`phone numbers show grouped with a tel: link on the customer list, the profile and the case page${suffix ? ' (on a phone)' : ''}`, async () => {
      const { page, context, errors } = await signedIn(app.browser, app.server.url, app.org.users.alice, viewport);
      const link = (within: ReturnType<typeof page.locator>) => within.getByRole('link', { name: '+49 1515 3849386' });
      await page.goto(`${app.server.url}/customers`);
      await page.getByLabel('Search customers').fill('mia');
      const row = page.locator('.customers-table tbody tr', { hasText: 'Mia Mobil' });
      await expect.poll(() => link(row).getAttribute('href')).toBe('tel:+4915153849386');
      // A customer known only by their number is named by it, grouped too.
      await page.getByLabel('Search customers').fill('202');
      await page
        .locator('.customers-table tbody tr', { hasText: '+1 202 555 0123' })
        .getByRole('link', { name: '+1 202 555 0123' })
        .first()
        .waitFor();
      // Their avatar is a person's outline, not the number's first characters.
      const unnamedAvatar = page.locator('.customers-table tbody tr', { hasText: '+1 202 555 0123' }).locator('.avatar').first();
      expect(await unnamedAvatar.textContent()).toBe('');
      expect(await unnamedAvatar.locator('svg.avatar-person').count()).toBe(1);
      await shot(page, `customers-phone-numbers${suffix}`);

      await page.goto(`${app.server.url}/customers/${app.parcel.customer.id}`);
      await page.getByRole('heading', { name: 'Mia Mobil', level: 1 }).waitFor();
      expect(await link(page.locator('.details')).getAttribute('href')).toBe('tel:+4915153849386');
      await shot(page, `customer-profile-phone-number${suffix}`);

      await page.goto(`${app.server.url}/cases/${app.parcel.id}`);
      const panel = page.locator('section', { has: page.getByRole('heading', { name: 'Customer' }) });
      await expect.poll(() => link(panel).getAttribute('href')).toBe('tel:+4915153849386');
      await shot(page, `case-customer-phone-number${suffix}`);

      await page.goto(`${app.server.url}/cases/${app.unnamed.id}`);
      await expect.poll(() => page.locator('body').textContent()).toContain('+1 202 555 0123');
      expect(await page.locator('body').textContent()).not.toContain('+12025550123');
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it('an agent sees only the cases of their team on a profile, on a phone too', async () => {
    const { page, context } = await signedIn(app.browser, app.server.url, app.org.users.alice, PHONE);
    await page.goto(`${app.server.url}/customers`);
    await page.locator('.customers-table').waitFor();
    await shot(page, 'customers-list-phone');
    await page.goto(`${app.server.url}/customers/${app.carlaId}`);
    await page.getByRole('heading', { name: 'Carla Customer', level: 1 }).waitFor();
    await expect.poll(() => page.locator('.customer-case-subject').allTextContents()).not.toContain('Invoice shows the wrong address');
    expect(await page.getByRole('button', { name: 'Merge…' }).count()).toBe(0);
    await shot(page, 'customer-profile-phone');
    await context.close();
  });

  it('the New case form finds an existing customer as you type (keyboard), and the case links to their profile and other open cases', async () => {
    const { page, context } = await signedIn(app.browser, app.server.url, app.org.users.alice);
    await page.goto(`${app.server.url}/cases/new`);
    await page.getByLabel('Subject').fill('Toner order');
    const lookup = page.getByRole('combobox', { name: 'Find an existing customer' });
    await lookup.fill('dunn');
    await page.getByRole('option', { name: /Dmitri Dunn/ }).waitFor();
    await lookup.fill('carla');
    await page.getByRole('option', { name: /Carla Customer/ }).waitFor();
    await lookup.press('ArrowDown');
    await expect.poll(() => lookup.getAttribute('aria-activedescendant')).toBeTruthy();
    await shot(page, 'new-case-customer-lookup');
    await lookup.press('Enter');
    await page.locator('.picked-customer', { hasText: 'Carla Customer' }).waitFor();
    await shot(page, 'new-case-customer-picked');
    await page.getByLabel('Priority').selectOption('high');
    const tags = page.getByRole('combobox', { name: 'Tags (optional)' });
    await tags.fill('Toner ');
    await tags.press('Enter');
    await page.getByRole('list', { name: 'Tags (optional): chosen' }).getByText('toner').waitFor();
    await page.getByRole('button', { name: 'Create case' }).click();
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    const caseUrl = page.url();
    const details = page.getByRole('region', { name: 'Details' });
    await expect.poll(() => details.getByLabel('Priority').inputValue()).toBe('high');
    expect(await details.getByRole('list', { name: 'Tags: chosen' }).textContent()).toBe('toner');
    const panel = page.locator('section', { has: page.getByRole('heading', { name: 'Customer' }) });
    await panel.getByText('Other open cases').waitFor();
    await expect.poll(() => panel.locator('.customer-other-list').textContent()).toContain('Password reset link expired');
    expect(await panel.locator('.customer-other-list').textContent()).not.toContain('Toner order');
    await shot(page, 'case-customer-panel');
    await panel.getByRole('link', { name: /profile/ }).click();
    await page.getByRole('heading', { name: 'Carla Customer', level: 1 }).waitFor();
    await expect.poll(() => page.locator('.customer-case-subject').first().textContent()).toBe('Toner order');

    // The case can also be unlinked from its customer (the history says so).
    await page.goto(caseUrl);
    await page.getByRole('button', { name: 'Change customer' }).click();
    const dialog = page.getByRole('dialog', { name: "Change the case's customer" });
    await dialog.getByRole('button', { name: 'Remove customer' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    const history = () => page.getByRole('region', { name: 'History' }).locator('.history-text').allTextContents();
    await expect.poll(history).toContain(`${app.org.users.alice.name} removed Carla Customer as the customer`);
    expect(await page.getByRole('button', { name: 'Change customer' }).count()).toBe(1);
    await context.close();
  });
});
