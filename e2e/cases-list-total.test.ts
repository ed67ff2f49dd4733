import { describe, expect, it } from 'vitest';
import { ADMIN } from './support/server.ts';
import { strict } from './support/api.ts';
import { shot, signedIn } from './support/browser.ts';
import { e2eApp, orgWithCases } from './support/app.ts';

// More cases than an organisation-wide count counts (COUNT_CAP = 1,000 on the server).
const BILLING_CASES = 1005;

const app = e2eApp(async (admin) => {
  const seeded = await orgWithCases(['Printer on fire'])(admin);
  const start = Date.parse('2026-01-05T09:00:00Z');
  const cases = Array.from({ length: BILLING_CASES }, (_, i) => ({
    subject: `Refund request ${i + 1}`,
    type: 'email',
    teamId: seeded.org.billingId,
    status: 'new',
    createdAt: new Date(start + i * 60_000).toISOString(),
  }));
  await strict(admin)('POST', '/import/cases', { cases });
  // A past conversation whose words only its messages hold, one of them markup a page must never run.
  await strict(admin)('POST', '/import/cases', {
    cases: [
      {
        subject: 'Office equipment',
        type: 'email',
        teamId: seeded.org.supportId,
        status: 'ready',
        createdAt: '2026-01-04T09:00:00Z',
        customer: { name: 'Greta Olsen', email: 'greta@example.com', externalId: 'legacy-7' },
        messages: [
          {
            direction: 'inbound',
            body: 'Hello, the toner cartridge <img src=x onerror="window.__xss=1"> leaks on every page since Monday.',
            createdAt: '2026-01-04T09:00:00Z',
          },
          { direction: 'note', body: 'Ordered a new toner from the supplier.', createdAt: '2026-01-04T10:00:00Z' },
        ],
      },
    ],
  });
  return seeded;
});

describe('Cases list total', () => {
  it('shows "1,000+ cases" when an organisation-wide count stops at the cap, and exact counts otherwise', async () => {
    const { page, context, errors } = await signedIn(app.browser, app.server.url, { email: ADMIN.email, password: ADMIN.password });
    await page.goto(`${app.server.url}/cases`);
    const summary = page.locator('.list-summary [aria-live]');
    await expect.poll(() => summary.locator('strong').textContent()).toBe('1,000+');
    expect((await summary.textContent())?.replace(/\s+/g, ' ')).toMatch(/^1,000\+ cases/);
    expect(await summary.locator('strong').getAttribute('title')).toMatch(/More than 1,000 cases match/);
    expect(await page.locator('.load-more .muted').textContent()).toBe('Showing 25 of 1,000+');
    await shot(page, 'cases-list-capped-total');
    await page.goto(`${app.server.url}/cases?q=printer`);
    await expect.poll(() => summary.textContent()).toMatch(/^1 case(?!s)/);
    // A search over conversations shows where each case matched, the words marked, markup as text.
    await page.goto(`${app.server.url}/cases?q=toner`);
    await expect.poll(() => summary.textContent()).toMatch(/^1 case(?!s)/);
    const snippet = page.locator('[data-search-snippet]');
    await expect.poll(() => snippet.locator('mark').first().textContent()).toBe('toner');
    expect(await snippet.textContent()).toMatch(/^(Message|Internal note): .*toner/);
    expect(await snippet.locator('img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await shot(page, 'cases-list-search-snippet');
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => page.locator('.case-card [data-search-snippet] mark').first().textContent()).toBe('toner');
    await shot(page, 'cases-list-search-snippet-phone');
    await context.close();
    // Sue sees Billing as one of her own teams: her count of it is exact.
    const sue = await signedIn(app.browser, app.server.url, app.org.users.sue);
    await sue.page.goto(`${app.server.url}/cases?teamId=${app.org.billingId}`);
    await expect.poll(() => sue.page.locator('.list-summary strong').textContent()).toBe(String(BILLING_CASES));
    await shot(sue.page, 'cases-list-exact-total');
    expect([...errors, ...sue.errors]).toEqual([]);
    await sue.context.close();
  });
});
