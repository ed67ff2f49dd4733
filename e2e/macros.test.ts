import { describe, expect, it } from 'vitest';
import { apiSession, strict } from './support/api.ts';
import { PHONE, shot, signedIn } from './support/browser.ts';
import { e2eApp, orgWithCases } from './support/app.ts';

const app = e2eApp(orgWithCases(['Refund for a double charge', 'Printer on fire']));
const LAPTOP = { width: 1366, height: 900 };

type CaseState = { status: string; tags: string[]; priority: string };

describe('macros', () => {
  it('an agent writes a macro, presses m on their case and one choice changes tags, priority and status at once', async () => {
    const alice = app.org.users.alice;
    const [mine, unowned] = [app.cases[0]!, app.cases[1]!];
    const call = strict(await apiSession(app.server.url, alice.email, alice.password));
    await call('POST', `/cases/${mine.id}/claim`, {});
    const { page, context, errors } = await signedIn(app.browser, app.server.url, alice, LAPTOP);

    await page.getByRole('link', { name: 'Macros' }).click();
    await page.getByRole('heading', { name: 'Macros', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'New macro' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Title').fill('Refund sent');
    const add = async (label: string) => {
      await dialog.getByLabel('Step to add').selectOption({ label });
      await dialog.getByRole('button', { name: 'Add step' }).click();
    };
    // Only the step types the agent's role can take; an assign step can only remove the owner (no team to move to).
    await add('Assign');
    expect(await dialog.getByLabel('Move to').locator('option').allTextContents()).toEqual(['Keep the team, remove the owner']);
    await dialog.getByRole('button', { name: 'Remove step 1, Assign' }).click();
    await add('Add tags');
    await dialog.getByLabel('Tags, separated by commas').fill('billing, refund');
    await add('Set priority');
    await dialog.getByLabel('Priority', { exact: true }).selectOption('high');
    await add('Add an internal note');
    await dialog.getByLabel('Note text').fill('Refund issued for {{case.reference}}');
    await add('Resolve');
    await shot(page, 'macros-dialog');
    await page.setViewportSize(PHONE);
    await shot(page, 'macros-dialog-phone');
    await page.setViewportSize(LAPTOP);
    await dialog.getByRole('button', { name: 'Add macro' }).click();
    const row = page.getByRole('row', { name: /Refund sent/ });
    await row.getByText('Add tags: billing, refund').waitFor();
    await shot(page, 'macros-page');
    await page.setViewportSize(PHONE);
    await shot(page, 'macros-page-phone');
    await page.setViewportSize(LAPTOP);

    // On the case page, m opens the chooser; choosing applies every step at once.
    await page.goto(`${app.server.url}/cases/${mine.id}`);
    await page.getByRole('heading', { name: mine.subject }).waitFor();
    await page.keyboard.press('m');
    const chooser = page.getByRole('dialog', { name: 'Apply a macro' });
    const choice = chooser.getByRole('button', { name: /Refund sent/ });
    await choice.waitFor();
    expect(await choice.evaluate((el) => el === document.activeElement)).toBe(true);
    await shot(page, 'macro-apply');
    await page.setViewportSize(PHONE);
    await shot(page, 'macro-apply-phone');
    await page.setViewportSize(LAPTOP);
    await page.keyboard.press('Enter');
    await chooser.waitFor({ state: 'detached' });
    await page.locator('.case-header').getByText('Resolved').waitFor();
    const after = await call<CaseState>('GET', `/cases/${mine.id}`);
    expect(after).toMatchObject({ status: 'resolved', tags: ['billing', 'refund'], priority: 'high' });
    await page.getByRole('region', { name: 'Conversation' }).getByText(`Refund issued for ${mine.reference}`).waitFor();
    await shot(page, 'macro-applied');
    await page.setViewportSize(PHONE);
    await shot(page, 'macro-applied-phone');
    await page.setViewportSize(LAPTOP);

    // The ? help lists m; from the list's three-dot menu a case the macro does not fit offers none.
    await page.keyboard.press('?');
    await page.getByRole('dialog').getByText('Apply a macro').waitFor();
    await page.keyboard.press('Escape');
    await page.goto(`${app.server.url}/cases`);
    await page.getByRole('button', { name: `Actions for case ${unowned.reference}` }).click();
    await page.getByRole('menuitem', { name: 'Apply macro…' }).click();
    await page.getByRole('dialog', { name: 'Apply a macro' }).getByText('No macro fits this case').waitFor();
    await shot(page, 'macro-none-fits');
    await page.keyboard.press('Escape');
    expect((await call<CaseState>('GET', `/cases/${unowned.id}`)).tags).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }, 300_000);
});
