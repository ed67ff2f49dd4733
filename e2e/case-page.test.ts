import { describe, expect, it } from 'vitest';
import { apiSession, strict } from './support/api.ts';
import { shot, signedIn } from './support/browser.ts';
import { e2eApp, orgWithCases } from './support/app.ts';

const app = e2eApp(orgWithCases(['Assign me', 'Talk to me']));

describe('case page', () => {
  it('assigns through the dialog: team first, then an owner of that team', async () => {
    const { page, context } = await signedIn(app.browser, app.server.url, app.org.users.sue);
    await page.goto(`${app.server.url}/cases/${app.cases[0]!.id}`);
    await page.getByRole('group', { name: 'Case actions' }).getByRole('button', { name: 'Assign…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Team').selectOption({ label: 'Support' });
    const owners = () => dialog.getByLabel('Owner').locator('option').allTextContents();
    await expect.poll(owners).toContain('Bob Agent');
    expect(await owners()).not.toContain('Administrator');
    await dialog.getByLabel('Owner').selectOption({ label: 'Bob Agent' });
    await shot(page, 'dialog-assign');
    await dialog.getByRole('button', { name: 'Assign' }).click();
    await expect.poll(() => page.locator('.details').first().textContent()).toContain('Bob Agent');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await expect.poll(() => page.locator('.history').textContent()).toContain('assigned the case to Bob Agent');
    await context.close();
  });

  it('replies and internal notes look different; collaborators can be added and removed', async () => {
    const { page, context } = await signedIn(app.browser, app.server.url, app.org.users.sue);
    await page.goto(`${app.server.url}/cases/${app.cases[1]!.id}`);
    await page.getByLabel('Reply to the customer').fill('Thanks for writing in, we are on it.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.locator('.message-outbound', { hasText: 'we are on it' }).waitFor();
    await page.getByRole('radio', { name: 'Internal note' }).click();
    await page.getByLabel('Internal note (only agents see it)').fill('Customer is a VIP.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.locator('.message-note', { hasText: 'VIP' }).waitFor();
    await page.getByLabel('Add a collaborator').selectOption({ label: 'Alice Agent' });
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.locator('.people', { hasText: 'Alice Agent' }).waitFor();
    await shot(page, 'case-conversation');
    await page.getByRole('button', { name: 'Remove Alice Agent' }).click();
    await expect.poll(() => page.locator('.people').textContent()).not.toContain('Alice Agent');
    await context.close();
  });

  it('warns when the case changed since it was opened, and shows who else is viewing', async () => {
    const alice = await signedIn(app.browser, app.server.url, app.org.users.alice);
    const bob = await signedIn(app.browser, app.server.url, app.org.users.bob);
    await alice.page.goto(`${app.server.url}/cases/${app.cases[1]!.id}`);
    await alice.page.locator('.case-header').waitFor();
    await expect.poll(() => alice.page.locator('.live-open').count()).toBe(1);
    await bob.page.goto(`${app.server.url}/cases/${app.cases[1]!.id}`);
    await expect.poll(() => alice.page.locator('.viewers').textContent(), { timeout: 8000 }).toContain('Bob Agent');

    const bobApi = strict(await apiSession(app.server.url, app.org.users.bob.email, app.org.users.bob.password));
    await bobApi('POST', `/cases/${app.cases[1]!.id}/messages`, { body: 'Bob answered already.', internal: false });
    await alice.page.locator('.banner-warning').waitFor({ timeout: 5000 });
    await alice.page.locator('.message', { hasText: 'Bob answered already.' }).waitFor();
    await alice.page.getByLabel('Reply to the customer').fill('Me too!');
    await alice.page.getByRole('button', { name: 'Send reply' }).click();
    const confirm = alice.page.getByRole('dialog', { name: 'This case changed since you opened it' });
    await confirm.waitFor();
    await shot(alice.page, 'case-collision-warning');
    await confirm.getByRole('button', { name: 'Review first' }).click();
    expect(await alice.page.locator('.message', { hasText: 'Me too!' }).count()).toBe(0);
    await alice.context.close();
    await bob.context.close();
  });
});
