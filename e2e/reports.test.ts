import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createCases, seedOrg, strict } from './support/api.ts';
import { PHONE, shot, signedIn } from './support/browser.ts';
import { e2eApp } from './support/app.ts';

const WIDE = { width: 1366, height: 900 };

const app = e2eApp(async (admin) => {
  const org = await seedOrg(admin);
  const call = strict(admin);
  // Every case gets first-response and resolution targets (always open): met or running today.
  await call('POST', '/sla-policies', { name: 'Standard', position: 1, conditions: {}, targets: { firstResponse: 60, resolution: 480 } });
  const support = await createCases(admin, org.supportId, ['Printer jams', 'Password reset', 'Invoice copy', '=cmd|calc']);
  const billing = await createCases(admin, org.billingId, ['Refund overdue', 'Card declined']);
  await call('POST', `/cases/${support[0]!.id}/assign`, { ownerId: org.users.alice.id });
  await call('POST', `/cases/${support[0]!.id}/messages`, { body: 'On it!', internal: false });
  await call('POST', `/cases/${support[0]!.id}/resolve`, { resolution: 'completed' });
  await call('POST', `/cases/${support[1]!.id}/assign`, { ownerId: org.users.bob.id });
  await call('POST', `/cases/${billing[0]!.id}/resolve`, { resolution: 'completed' });
  return { org };
});

const kpi = (page: import('playwright-core').Page, label: string) =>
  page
    .locator('.report-kpi')
    .filter({ has: page.getByText(label, { exact: true }) })
    .locator('dd');

describe('reports', () => {
  it('a supervisor reads today in charts and tables, and downloads a chart as CSV', async () => {
    const { page, context, errors } = await signedIn(app.browser, app.server.url, app.org.users.sue, WIDE);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Today', exact: true }).click();
    await expect.poll(() => kpi(page, 'Created').textContent()).toBe('6');
    expect(await kpi(page, 'Resolved').textContent()).toBe('2');
    await expect.poll(() => page.locator('.report-chart canvas').count()).toBe(3);
    expect(await page.getByText('Figures for every team').count()).toBe(1);
    await shot(page, 'reports-laptop');

    // SLA achievement: one answered case met its first response, two resolved cases their resolution; the rest run,
    // but the case resolved without a reply before its due time counts as neither met nor breached.
    const slaCard = page.getByRole('region', { name: 'SLA achievement', exact: true });
    const summary = slaCard.getByRole('list', { name: 'SLA achievement in this range' }).getByRole('listitem');
    expect(await summary.allTextContents()).toEqual([
      'First response100%1 met · 0 breached · 4 running',
      'Resolution100%2 met · 0 breached · 4 running',
    ]);
    await slaCard.getByRole('button', { name: 'Table' }).click();
    const whole = slaCard.getByRole('row', { name: /Whole range/ }).locator('td');
    expect(await whole.allTextContents()).toEqual(['1', '0', '4', '100%', '2', '0', '4', '100%']);
    const slaDownload = page.waitForEvent('download');
    await slaCard.getByRole('button', { name: 'Download SLA achievement as CSV' }).click();
    const slaText = fs.readFileSync((await (await slaDownload).path())!, 'utf8').split('\r\n');
    expect(slaText[0]).toBe(
      'Date,First response met,First response breached,First response running,First response achieved,Resolution met,Resolution breached,Resolution running,Resolution achieved',
    );
    expect(slaText[2]).toBe('Whole range,1,0,4,100%,2,0,4,100%');
    await slaCard.getByRole('button', { name: 'Chart' }).click();
    await page.setViewportSize({ width: 1280, height: 800 });
    await slaCard.locator('.report-chart canvas').waitFor();
    await shot(page, 'reports-sla-1280');
    // On a laptop the Agents table fits its card (no sideways scrolling).
    const agentsTable = page.getByRole('region', { name: 'Agents: table' });
    expect(await agentsTable.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
    // Created and resolved: bars side by side in the legend's order, the first (created) left of the second.
    const barsAt = await page
      .getByRole('region', { name: 'Created and resolved', exact: true })
      .locator('.report-chart canvas')
      .evaluate((canvas: HTMLCanvasElement) => {
        const ctx = canvas.getContext('2d')!;
        const y = canvas.height - Math.round(36 * window.devicePixelRatio); // just above the x axis, inside both bars
        const row = ctx.getImageData(0, y, canvas.width, 1).data;
        const first = (r: number, g: number, b: number) => {
          for (let x = 0; x < canvas.width; x++) {
            const i = x * 4;
            if (Math.abs(row[i]! - r) + Math.abs(row[i + 1]! - g) + Math.abs(row[i + 2]! - b) < 30) return x;
          }
          return -1;
        };
        return { created: first(0x24, 0x59, 0xd6), resolved: first(0x1d, 0x7a, 0x4c) };
      });
    expect(barsAt.created).toBeGreaterThanOrEqual(0);
    expect(barsAt.resolved).toBeGreaterThan(barsAt.created);
    await page.setViewportSize(WIDE);

    const volume = page.getByRole('region', { name: 'Created and resolved', exact: true });
    await volume.getByRole('button', { name: 'Table' }).click();
    const rows = volume.getByRole('table').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().locator('td').allTextContents()).toEqual(['6', '2']);
    await shot(page, 'reports-table-view');

    const download = page.waitForEvent('download');
    await volume.getByRole('button', { name: 'Download Created and resolved as CSV' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^created-resolved_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/);
    const text = fs.readFileSync((await file.path())!, 'utf8');
    expect(text.split('\r\n')[0]).toBe('Date,Created,Resolved');
    expect(text.split('\r\n')[1]).toMatch(/^\d{4}-\d{2}-\d{2},6,2$/);

    const agents = page.getByRole('region', { name: 'Agents', exact: true });
    expect(
      await agents
        .getByRole('row', { name: /Alice Agent/ })
        .locator('td')
        .allTextContents(),
    ).toEqual(['0', '1', expect.any(String), '100% (2)', '0']);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('an agent sees their own work; the page reads well on a phone', async () => {
    const { page, context, errors } = await signedIn(app.browser, app.server.url, app.org.users.alice, PHONE);
    await page.goto(`${app.server.url}/reports?range=today`);
    await expect.poll(() => page.getByText('Figures for your own work').count()).toBe(1);
    await expect.poll(() => kpi(page, 'Created').textContent()).toBe('1');
    expect(await page.getByRole('button', { name: /Teams:/ }).count()).toBe(0);
    await page.getByRole('region', { name: 'Your work', exact: true }).waitFor();
    const slaCard = page.getByRole('region', { name: 'SLA achievement', exact: true });
    await expect.poll(() => slaCard.locator('.sla-summary-share').allTextContents()).toEqual(['100%', '100%']);
    await shot(page, 'reports-phone');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the Cases list exports its filtered cases as CSV', async () => {
    const { page, context, errors } = await signedIn(app.browser, app.server.url, app.org.users.sue, WIDE);
    await page.goto(`${app.server.url}/cases?teamId=${app.org.supportId}`);
    await page.locator('[data-case-row], .case-card').first().waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^cases-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = fs
      .readFileSync((await file.path())!, 'utf8')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]!.startsWith('reference,id,subject,status')).toBe(true);
    expect(lines.length).toBe(5);
    expect(lines.some((line) => line.includes(",'=cmd|calc,"))).toBe(true);
    await page.getByText(/Exported 4 cases/).waitFor();
    await shot(page, 'cases-export');
    expect(errors).toEqual([]);
    await context.close();
  });
});
