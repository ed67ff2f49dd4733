import { describe, expect, it } from 'vitest';
import { apiSession, strict } from './support/api.ts';
import { PHONE, shot, signedIn } from './support/browser.ts';
import { e2eApp, orgWithCases } from './support/app.ts';
import { ADMIN } from './support/server.ts';

const app = e2eApp(orgWithCases(['Cannot sign in after the update', 'Invoice shows the wrong VAT']));
const LAPTOP = { width: 1366, height: 900 };

describe('canned replies', () => {
  it('a supervisor writes a team reply with placeholders and a live preview; unknown placeholders cannot be saved', async () => {
    const admin = strict(await apiSession(app.server.url, ADMIN.email, ADMIN.password));
    await admin('POST', '/canned-replies', {
      title: 'Closing the loop',
      body: 'Thanks for your patience, {{customer.firstName}}. We are closing {{case.reference}} now.\n{{agent.name}}, {{organisation.name}}',
      scope: 'organisation',
    });
    const sue = app.org.users.sue;
    const { page, context, errors } = await signedIn(app.browser, app.server.url, sue, LAPTOP);
    await page.getByRole('link', { name: 'Canned replies' }).click();
    await page.getByRole('heading', { name: 'Canned replies', level: 1 }).waitFor();
    await page
      .getByRole('row', { name: /Closing the loop/ })
      .getByText('Read only')
      .waitFor();

    await page.getByRole('button', { name: 'New canned reply' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Title').fill('Password reset');
    await dialog.getByLabel('Who can use it').selectOption('team');
    await dialog.getByLabel('Team').selectOption({ label: 'Support' });
    const text = dialog.getByLabel('Text');
    await text.fill('Hi ');
    await dialog.getByRole('button', { name: /\{\{customer\.firstName\}\}/ }).click();
    await text.press('End');
    await text.pressSequentially(', reset your password from the sign-in page for {{case.reference}}.\nBest, {{agnt.name}}');
    await dialog.getByRole('alert').getByText('Unknown placeholder: {{agnt.name}}').waitFor();
    expect(await dialog.getByRole('button', { name: 'Add reply' }).isDisabled()).toBe(true);
    await text.fill(`${(await text.inputValue()).replace('{{agnt.name}}', '')}`);
    await dialog.getByRole('button', { name: /\{\{agent\.firstName\}\}/ }).click();
    const preview = dialog.getByRole('region', { name: /Preview/ });
    await preview.getByText('Hi Ada, reset your password from the sign-in page for C-10042.').waitFor();
    await preview.getByText('Best, Sue').waitFor();
    await shot(page, 'canned-replies-dialog');
    await dialog.getByRole('button', { name: 'Add reply' }).click();
    await page
      .getByRole('row', { name: /Password reset/ })
      .getByText('Support')
      .waitFor();
    await shot(page, 'canned-replies-page');
    await page.setViewportSize(PHONE);
    await shot(page, 'canned-replies-page-phone');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('an agent types / in the reply box, picks a reply with the keyboard, edits the rendered text and sends it', async () => {
    const alice = app.org.users.alice;
    const caseItem = app.cases[0]!;
    const call = strict(await apiSession(app.server.url, alice.email, alice.password));
    await call('POST', `/cases/${caseItem.id}/claim`, {});
    await call('POST', '/canned-replies', {
      title: 'Apology for the wait',
      body: 'Sorry for the wait, {{customer.name}}.',
      scope: 'personal',
    });
    const { page, context, errors } = await signedIn(app.browser, app.server.url, alice, LAPTOP);
    await page.goto(`${app.server.url}/cases/${caseItem.id}`);
    const box = page.getByLabel('Reply to the customer');
    await box.click();
    await box.press('/');
    const search = page.getByRole('combobox', { name: 'Search canned replies' });
    await search.waitFor();
    expect(await search.evaluate((el) => el === document.activeElement)).toBe(true);
    const options = page.getByRole('listbox', { name: 'Canned replies' }).getByRole('option');
    await expect.poll(() => options.count()).toBe(3);
    await shot(page, 'canned-picker');
    await page.setViewportSize(PHONE);
    await shot(page, 'canned-picker-phone');
    await page.setViewportSize(LAPTOP);

    // Escape gives the "/" back; the button opens the picker too.
    await search.press('Escape');
    await expect.poll(() => box.inputValue()).toBe('/');
    await box.fill('');
    await box.press('/');
    await search.fill('pass');
    await expect.poll(() => options.count()).toBe(1);
    await search.fill('');
    await search.press('ArrowDown');
    const chosen = await page.locator('[role="option"][aria-selected="true"] .canned-option-title').textContent();
    expect(chosen).toBe('Closing the loop');
    await search.press('Enter');
    await expect.poll(() => box.inputValue()).toContain('Thanks for your patience, Customer.');
    const inserted = await box.inputValue();
    expect(inserted).toContain(`We are closing ${caseItem.reference} now.`);
    expect(inserted).toContain('Alice Agent, Casework');
    await box.press('Control+End');
    await box.pressSequentially(' (Edited.)');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page
      .getByRole('region', { name: 'Conversation' })
      .getByText(/We are closing .* now\./)
      .waitFor();
    const messages = await call<{ messages: { body: string; internal: boolean }[] }>('GET', `/cases/${caseItem.id}/messages`);
    const sent = messages.messages.find((m) => m.body.includes('Thanks for your patience'));
    expect(sent?.body).toBe(
      `Thanks for your patience, Customer. We are closing ${caseItem.reference} now.\nAlice Agent, Casework (Edited.)`,
    );
    expect(errors).toEqual([]);
    await context.close();
  });
});
