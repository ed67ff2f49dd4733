import { describe, expect, it } from 'vitest';
import { ADMIN } from './support/server.ts';
import { strict, seedOrg, type Org } from './support/api.ts';
import { PHONE, shot, signedIn } from './support/browser.ts';
import { e2eApp } from './support/app.ts';

type Case = { id: string; reference: string; sla: { targets: { kind: string; state: string }[] } | null };
const DESKTOP = { width: 1366, height: 900 };

/**
 * Service levels (SPEC §12) in the browser: the admin page writes calendars and policies, cases
 * carry their nearest due time as a badge (plain on time, amber due soon, red breached) on cards,
 * table rows and the case page, and the Cases list filters on sla= and sorts by due time.
 */
const app = e2eApp(async (admin) => {
  const org: Org = await seedOrg(admin);
  const call = strict(admin);
  // Quick targets so a breach needs only a minute of waiting; created first, so the cases count from now.
  await call('POST', '/sla-policies', { name: 'Quick', position: 0, conditions: { tags: ['quick'] }, targets: { firstResponse: 1 } });
  await call('POST', '/sla-policies', { name: 'Soon', position: 1, conditions: { tags: ['soon'] }, targets: { firstResponse: 2 } });
  const make = (subject: string, extra: object = {}) =>
    call<Case>('POST', '/cases', { subject, teamId: org.supportId, customer: { name: `Customer of ${subject}` }, ...extra });
  const created = Date.now();
  const late = await make('Invoice shows the wrong VAT', { tags: ['quick'] });
  const soon = await make('Cannot reset my password', { tags: ['soon'] });
  const calm = await make('Question about the yearly plan', { priority: 'urgent' });
  // A day to answer: on time for the whole run (My Work's plain badge).
  await call('POST', '/sla-policies', { name: 'Steady', position: 2, conditions: { tags: ['steady'] }, targets: { firstResponse: 1440 } });
  const steady = await make('Export stops at 1,000 rows', { tags: ['steady'] });
  const queued = await make('Two invoices for one order', { tags: ['quick'] });
  for (const c of [late, soon, steady]) await call('POST', `/cases/${c.id}/assign`, { teamId: org.supportId, ownerId: org.users.alice.id });
  return { org, created, late, soon, calm, steady, queued };
});

describe('service levels', () => {
  it('an admin sets business hours and an SLA policy on the Service levels page', async () => {
    const { page, context, errors } = await signedIn(app.browser, app.server.url, ADMIN, DESKTOP);
    await page.goto(`${app.server.url}/admin/service-levels`);
    await page.getByRole('heading', { name: 'Business hours' }).waitFor();

    await page.getByRole('button', { name: 'New calendar' }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Berlin office');
    await dialog.getByLabel('Time zone').selectOption('Europe/Berlin');
    // an overlapping period is named before saving
    await dialog.getByRole('button', { name: 'Add hours on Monday' }).click();
    await dialog.getByLabel('Monday opens').nth(1).fill('12:00');
    await dialog.getByLabel('Monday closes').nth(1).fill('18:00');
    await dialog.getByText(/overlaps hours/).waitFor();
    expect(await dialog.getByRole('button', { name: 'Add calendar' }).isDisabled()).toBe(true);
    await dialog.getByRole('button', { name: /Remove Monday 12:00/ }).click();
    await dialog.getByRole('button', { name: 'Add hours on Saturday' }).click();
    await dialog.getByLabel('Saturday opens').fill('22:00');
    await dialog.getByLabel('Saturday closes').fill('02:00');
    await dialog.getByText('next day', { exact: true }).waitFor();
    await dialog.getByLabel('Holiday date').fill('2026-12-25');
    await dialog.getByRole('button', { name: 'Add holiday' }).click();
    await dialog.getByRole('button', { name: 'Add calendar' }).click();
    await page
      .getByRole('row', { name: /Berlin office/ })
      .getByText('Mon–Fri 09:00–17:00')
      .waitFor();

    await page.getByRole('button', { name: 'New policy' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Urgent');
    await dialog.getByLabel('Urgent', { exact: true }).check();
    await dialog.getByLabel('First response').fill('30');
    await dialog.getByLabel('Next response').fill('60');
    await dialog.getByLabel('Resolution', { exact: true }).fill('480');
    await dialog.getByLabel('Counted in').selectOption({ label: 'Berlin office (Europe/Berlin)' });
    await dialog.getByRole('button', { name: 'Add policy' }).click();
    const row = page.getByRole('row', { name: /Urgent/ });
    await row.getByText('Priority urgent').waitFor();
    await row.getByText('8 h').waitFor();
    await shot(page, 'service-levels-admin-1366');
    await page.setViewportSize(PHONE);
    await shot(page, 'service-levels-admin-390');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('cards, rows and the case page show the nearest due time; sla= filters and sort=due orders the list', async () => {
    const call = strict(app.admin);
    // the first-response target of 1 minute has passed for the "late" case
    await new Promise((r) => setTimeout(r, Math.max(0, app.created + 62_000 - Date.now())));
    const late = await call<Case>('GET', `/cases/${app.late.id}`);
    expect(late.sla?.targets[0]).toMatchObject({ kind: 'firstResponse', state: 'breached' });

    const { page, context, errors } = await signedIn(app.browser, app.server.url, ADMIN, DESKTOP);
    await page.goto(`${app.server.url}/cases?sla=breached`);
    const lateCard = page.locator('tr', { hasText: 'Invoice shows the wrong VAT' }); // the table on a wide screen
    await lateCard
      .locator('.sla-badge.sla-breached')
      .getByText(/Overdue/)
      .waitFor();
    expect(await page.locator('tr', { hasText: 'Question about the yearly plan' }).count()).toBe(0);
    expect(await page.getByLabel('SLA').inputValue()).toBe('breached');

    await page.goto(`${app.server.url}/cases?sort=due`);
    await page.locator('[data-case-card]').first().waitFor();
    const subjects = await page.locator('[data-case-card]').allTextContents();
    // nearest due first: the breached case before one no policy applies to (it came before the Urgent policy)
    expect(subjects.indexOf('Invoice shows the wrong VAT')).toBeLessThan(subjects.indexOf('Question about the yearly plan'));
    await shot(page, 'service-levels-cases-1366');
    await page.setViewportSize(PHONE);
    await page.locator('article', { hasText: 'Invoice shows the wrong VAT' }).locator('.sla-breached').waitFor(); // cards on a phone
    await shot(page, 'service-levels-cases-390');
    await page.setViewportSize(DESKTOP);

    await page.goto(`${app.server.url}/cases/${app.late.id}`);
    await page.locator('.sla-target', { hasText: 'First response' }).getByText('Breached').waitFor();
    await shot(page, 'service-levels-case-1366');
    await page.setViewportSize(PHONE);
    await shot(page, 'service-levels-case-390');
    expect(errors).toEqual([]);
    await context.close();
  });

  it("My Work's cards show the nearest due time: plain on time, amber due soon, red breached", async () => {
    // the "soon" case's 2-minute first response is due soon from 96 s (80 %) and breached at 120 s
    await new Promise((r) => setTimeout(r, Math.max(0, app.created + 98_000 - Date.now())));
    const { page, context, errors } = await signedIn(app.browser, app.server.url, app.org.users.alice, { width: 1280, height: 900 });
    const badge = (subject: string) => page.locator('.case-card', { hasText: subject }).locator('.sla-badge');
    await badge('Invoice shows the wrong VAT')
      .getByText(/Overdue/)
      .waitFor();
    expect(await badge('Invoice shows the wrong VAT').getAttribute('data-sla-state')).toBe('breached');
    expect(await badge('Export stops at 1,000 rows').getAttribute('data-sla-state')).toBe('ok');
    await badge('Export stops at 1,000 rows')
      .getByText(/Due in/)
      .waitFor();
    // due soon until 120 s; a slow machine may load the page after that
    expect(['due_soon', 'breached']).toContain(await badge('Cannot reset my password').getAttribute('data-sla-state'));
    // the next unassigned case carries its badge too (its 1-minute target has passed)
    await page.locator('.next-panel .case-card', { hasText: 'Two invoices for one order' }).locator('.sla-badge.sla-breached').waitFor();
    await shot(page, 'service-levels-my-work-1280');
    await page.setViewportSize(PHONE);
    await badge('Invoice shows the wrong VAT').waitFor();
    await shot(page, 'service-levels-my-work-390');
    expect(errors).toEqual([]);
    await context.close();
  });
});
