import { describe, expect, it } from 'vitest';
import { apiSession, createCases, strict } from './support/api.ts';
import { nextReference, shot, signedIn } from './support/browser.ts';
import { e2eApp, orgWithCases } from './support/app.ts';

const app = e2eApp(async (admin) => {
  const seeded = await orgWithCases(['Printer on fire', 'Password reset loop', 'Invoice missing'])(admin);
  await createCases(admin, seeded.org.billingId, ['Refund request (billing only)']);
  return seeded;
});

describe('My Work', () => {
  it('Claim It moves the case to Ready To Solve and shows the next one', async () => {
    const { page, context, errors } = await signedIn(app.browser, app.server.url, app.org.users.alice);
    await page.locator('.next-panel .case-card').waitFor();
    const first = await nextReference(page);
    const before = Number(await page.locator('.next-count strong').textContent());
    await shot(page, 'my-work-before-claim');
    await page.getByRole('button', { name: 'Claim It' }).click();
    await expect.poll(() => page.locator('#section-ready .case-ref').allTextContents()).toContain(first);
    await expect.poll(() => nextReference(page)).not.toBe(first);
    expect(Number(await page.locator('.next-count strong').textContent())).toBe(before - 1);
    await shot(page, 'my-work-after-claim');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('remembers a collapsed section on the server (reload and another browser)', async () => {
    const { page, context } = await signedIn(app.browser, app.server.url, app.org.users.alice);
    const toggle = page.locator('#section-waiting-heading button');
    await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('true');
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('false');
    await expect
      .poll(
        async () =>
          (
            await strict(await apiSession(app.server.url, app.org.users.alice.email, app.org.users.alice.password))<{
              collapsedSections: string[];
            }>('GET', '/me/preferences')
          ).collapsedSections,
      )
      .toContain('waiting');
    await page.reload();
    await expect.poll(() => page.locator('#section-waiting-heading button').getAttribute('aria-expanded')).toBe('false');
    expect(await page.locator('#section-waiting').isHidden()).toBe(true);
    const other = await signedIn(app.browser, app.server.url, app.org.users.alice);
    await expect.poll(() => other.page.locator('#section-waiting-heading button').getAttribute('aria-expanded')).toBe('false');
    await shot(other.page, 'my-work-collapsed');
    await other.context.close();
    await page.locator('#section-waiting-heading button').click();
    await expect.poll(() => page.locator('#section-waiting-heading button').getAttribute('aria-expanded')).toBe('true');
    await context.close();
  });

  it('Review All opens the Cases list with exactly the counted candidates', async () => {
    const { page, context } = await signedIn(app.browser, app.server.url, app.org.users.alice);
    await page.locator('.next-panel .case-card').waitFor();
    const count = Number(await page.locator('.next-count strong').textContent());
    await page.getByRole('link', { name: 'Review All (Cases List) >' }).click();
    await page.waitForURL(/\/cases\?/);
    const url = new URL(page.url());
    expect(url.searchParams.get('status')).toBe('new');
    expect(url.searchParams.get('ownerId')).toBe('none');
    expect(url.searchParams.get('teamId')).toBe(app.org.supportId);
    await page.locator('.list-summary strong').waitFor();
    expect(Number(await page.locator('.list-summary strong').textContent())).toBe(count);
    // Wide screens show the Cases table, narrow ones cards: either way one entry per case.
    await expect.poll(() => page.locator('table.cases-table tbody tr, .case-card').count()).toBe(count);
    await shot(page, 'cases-review-all');
    await context.close();
  });

  it('set waiting with a wake time in the user zone, then resolve → Solved Today', async () => {
    const { page, context } = await signedIn(app.browser, app.server.url, app.org.users.alice);
    const card = page.locator('#section-ready .case-card').first();
    await card.waitFor();
    const reference = await card.locator('.case-ref').textContent();
    await card.getByRole('button', { name: /^Actions for case/ }).click();
    await page.getByRole('menuitem', { name: 'Set waiting…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Wake up at (optional)').fill('2031-03-10T09:30');
    await shot(page, 'dialog-set-waiting');
    await dialog.getByRole('button', { name: 'Set waiting' }).click();
    const waitingCard = page.locator('#section-waiting .case-card', { hasText: reference! });
    await waitingCard.waitFor();
    expect(await waitingCard.textContent()).toContain('Wakes');
    // 09:30 in Berlin on 10 March 2031 (CET, UTC+1) is 08:30 UTC.
    const id = (await waitingCard.locator('.case-card-link').getAttribute('href'))!.split('/').pop()!;
    const stored = await strict(app.admin)<{ wakeAt: string }>('GET', `/cases/${id}`);
    expect(stored.wakeAt).toBe('2031-03-10T08:30:00.000Z');

    await waitingCard.getByRole('button', { name: /^Actions for case/ }).click();
    await page.getByRole('menuitem', { name: 'Resolve…' }).click();
    await page.getByRole('dialog').getByLabel('Note (optional)').fill('Fixed by restarting the router');
    await page.getByRole('dialog').getByRole('button', { name: 'Resolve' }).click();
    await page.locator('#section-solved_today .case-card', { hasText: reference! }).waitFor();
    expect(await page.locator('#section-waiting .case-card', { hasText: reference! }).count()).toBe(0);
    await shot(page, 'my-work-solved-today');
    await context.close();
  });

  it('keyboard: c claims the next case, j/k move between cards, ? shows help', async () => {
    const { page, context } = await signedIn(app.browser, app.server.url, app.org.users.alice);
    await page.locator('.next-panel .case-card').waitFor();
    const next = await nextReference(page);
    await page.keyboard.press('c');
    await expect.poll(() => page.locator('#section-ready .case-ref').allTextContents()).toContain(next);
    await page.keyboard.press('j');
    expect(await page.evaluate(() => document.activeElement?.hasAttribute('data-case-card'))).toBe(true);
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await page.keyboard.press('Escape');
    expect(await page.getByRole('dialog').count()).toBe(0);
    await context.close();
  });
});
