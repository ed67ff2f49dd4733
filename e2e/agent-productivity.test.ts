import { describe, expect, it } from 'vitest';
import { wakeTime } from '@casework/domain';
import { apiSession, strict } from './support/api.ts';
import { PHONE, shot, signedIn } from './support/browser.ts';
import { e2eApp, orgWithCases } from './support/app.ts';

const app = e2eApp(orgWithCases(['Printer jams on every page', 'Invoice shows the wrong VAT']));
const LAPTOP = { width: 1366, height: 900 };

/** A customer's web chat on the Support team, started through the public chat API. */
async function startChat(name: string, message: string) {
  const admin = strict(app.admin);
  const channel = await admin<{ publicKey: string }>('POST', '/channels', {
    type: 'web_connect',
    name: `Chat ${name}`,
    teamId: app.org.supportId,
  });
  const r = await fetch(`${app.server.url}/api/v1/chat/sessions`, {
    method: 'POST',
    body: JSON.stringify({ channelKey: channel.publicKey, name, email: `${name.split(' ')[0]!.toLowerCase()}@cust.test`, message }),
    headers: { 'content-type': 'application/json' },
  });
  expect(r.status).toBe(201);
  return (await r.json()) as { id: string; token: string; caseId: string };
}

describe('richer cards, waiting quick choices and keys', () => {
  it('cards show the last message and who wrote it, marked "Customer replied" until an agent answers', async () => {
    const chat = await startChat('Carla Kunde', 'Where is my parcel?\nOrder 4711, sent last week');
    const alice = app.org.users.alice;
    const call = strict(await apiSession(app.server.url, alice.email, alice.password));
    await call('POST', `/cases/${chat.caseId}/claim`, {});
    await call('POST', `/cases/${app.cases[0]!.id}/claim`, {});
    await call('POST', `/cases/${app.cases[0]!.id}/messages`, { body: 'We are sending a technician tomorrow morning.\nBest, Alice' });

    const { page, context, errors } = await signedIn(app.browser, app.server.url, alice, LAPTOP);
    const card = page.locator('article.case-card', { hasText: 'Where is my parcel?' });
    await card.waitFor();
    expect(await card.locator('.last-message').textContent()).toBe('Carla Kunde: Where is my parcel?');
    await card.getByText('Customer replied').waitFor();
    const answered = page.locator('article.case-card', { hasText: 'Printer jams on every page' });
    expect(await answered.locator('.last-message').textContent()).toBe('Alice Agent: We are sending a technician tomorrow morning.');
    expect(await answered.getByText('Customer replied').count()).toBe(0);
    await shot(page, 'cards-last-message');
    await page.setViewportSize(PHONE);
    await shot(page, 'cards-last-message-phone');
    await page.setViewportSize(LAPTOP);

    await page.goto(`${app.server.url}/cases`);
    const row = page.locator('tr[data-case-row]', { hasText: 'Where is my parcel?' });
    await row.getByText('Customer replied').waitFor();
    await shot(page, 'cases-table-last-message');

    // An answer takes the mark away.
    await call('POST', `/cases/${chat.caseId}/messages`, { body: 'It is with the courier; you get it Friday.' });
    await page.goto(`${app.server.url}/`);
    await expect.poll(() => card.locator('.last-message').textContent()).toBe('Alice Agent: It is with the courier; you get it Friday.');
    expect(await card.getByText('Customer replied').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('case page keys: ? lists them, r and n start a reply or note, w opens Set waiting with quick choices, Esc goes back; none fires while typing', async () => {
    const alice = app.org.users.alice;
    const caseItem = app.cases[1]!;
    const call = strict(await apiSession(app.server.url, alice.email, alice.password));
    await call('POST', `/cases/${caseItem.id}/claim`, {});
    const { page, context, errors } = await signedIn(app.browser, app.server.url, alice, LAPTOP);
    await page.goto(`${app.server.url}/cases`);
    await page.getByRole('link', { name: caseItem.subject }).first().click();
    await page.getByRole('heading', { name: caseItem.subject, level: 1 }).waitFor();

    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    for (const key of ['r', 'n', 'w', 'e', 'Esc', '?'])
      await help.locator('kbd', { hasText: new RegExp(`^${key.replace('?', '\\?')}$`) }).waitFor();
    await shot(page, 'case-shortcuts');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });

    await page.keyboard.press('n');
    const box = page.locator('#reply textarea');
    await expect.poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.getByRole('radio', { name: 'Internal note' }).isChecked()).toBe(true);
    // Typing in the box types: w, e and Escape do nothing else there.
    await box.pressSequentially('we will wait');
    await box.press('Escape');
    expect(await box.inputValue()).toBe('we will wait');
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(new URL(page.url()).pathname).toBe(`/cases/${caseItem.id}`);
    await box.fill('');
    await box.evaluate((el) => (el as HTMLTextAreaElement).blur());
    await page.keyboard.press('r');
    await expect.poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.getByRole('radio', { name: 'Reply' }).isChecked()).toBe(true);
    await box.evaluate((el) => (el as HTMLTextAreaElement).blur());

    await page.keyboard.press('w');
    const wait = page.getByRole('dialog', { name: `Set case ${caseItem.reference} to waiting` });
    await wait.waitFor();
    const expected = wakeTime('tomorrow_9', new Date(), 'Europe/Berlin');
    await wait.getByRole('button', { name: /Tomorrow 9:00/ }).click();
    expect(await wait.getByRole('button', { name: /Tomorrow 9:00/ }).getAttribute('aria-pressed')).toBe('true');
    const local = await wait.getByLabel('Wake up at (optional)').inputValue();
    expect(local).toMatch(/T09:00$/);
    await shot(page, 'wait-quick-choices');
    await page.setViewportSize(PHONE);
    await shot(page, 'wait-quick-choices-phone');
    await page.setViewportSize(LAPTOP);
    await wait.getByRole('button', { name: 'Set waiting' }).click();
    await wait.waitFor({ state: 'detached' });
    await expect.poll(async () => (await call<{ status: string }>('GET', `/cases/${caseItem.id}`)).status).toBe('waiting');
    const after = await call<{ wakeAt: string }>('GET', `/cases/${caseItem.id}`);
    expect(after.wakeAt).toBe(expected.toISOString());

    await page.keyboard.press('Escape');
    await page.waitForURL((url) => url.pathname === '/cases');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('Cases list keys: ? lists them, / searches, j focuses a case and Enter opens it', async () => {
    const { page, context, errors } = await signedIn(app.browser, app.server.url, app.org.users.sue, LAPTOP);
    await page.goto(`${app.server.url}/cases`);
    await page.locator('tr[data-case-row]').first().waitFor();
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    for (const key of ['j', 'k', 'x', '/']) await help.locator('kbd', { hasText: new RegExp(`^${key}$`) }).waitFor();
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    await page.keyboard.press('/');
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest('.filter-search') !== null)).toBe(true);
    await page.keyboard.press('Tab');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('j');
    const focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
    expect(focused.length).toBeGreaterThan(0);
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => /^\/cases\/[0-9a-f-]{36}$/.test(url.pathname));
    await page.getByRole('heading', { name: focused, level: 1 }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });
});
