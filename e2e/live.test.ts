import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ADMIN, startServer, type RunningServer } from './support/server.ts';
import { apiSession, createCases, seedOrg } from './support/api.ts';
import { launchBrowser, nextReference, shot, signedIn } from './support/browser.ts';
import { createDatabase, postgresAnswers } from './support/postgres.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Alice and Bob watch the same queue; Bob claims; Alice's page changes without a reload. */
async function claimShowsOnOtherPage(alicesServer: string, bobsServer: string, label: string) {
  const admin = await apiSession(alicesServer, ADMIN.email, ADMIN.password);
  const org = await seedOrg(admin);
  await createCases(admin, org.supportId, ['Live one', 'Live two', 'Live three']);
  const alice = await signedIn(browser, alicesServer, org.users.alice);
  const bob = await signedIn(browser, bobsServer, org.users.bob);
  await alice.page.locator('.next-panel .case-card').waitFor();
  await bob.page.locator('.next-panel .case-card').waitFor();
  const shared = await nextReference(alice.page);
  expect(await nextReference(bob.page)).toBe(shared);
  const countBefore = await alice.page.locator('.next-count strong').textContent();
  // Let both EventSources connect before the change.
  await expect.poll(() => alice.page.locator('.live-open').count()).toBe(1);
  await expect.poll(() => bob.page.locator('.live-open').count()).toBe(1);

  const navigations: string[] = [];
  alice.page.on('framenavigated', (frame) => frame === alice.page.mainFrame() && navigations.push(frame.url()));
  await bob.page.getByRole('button', { name: 'Claim It' }).click();
  await expect.poll(() => nextReference(alice.page), { timeout: 5000 }).not.toBe(shared);
  expect(Number(await alice.page.locator('.next-count strong').textContent())).toBe(Number(countBefore) - 1);
  expect(navigations).toEqual([]);
  await shot(alice.page, `live-${label}-alice-after-bob-claimed`);
  await shot(bob.page, `live-${label}-bob-claimed`);
  await alice.context.close();
  await bob.context.close();
}

describe('live updates', () => {
  it("a claim in one browser changes the other user's Next Unassigned Case without reload", async () => {
    const server = await startServer();
    try {
      await claimShowsOnOtherPage(server.url, server.url, 'one-process');
    } finally {
      await server.stop();
    }
  });

  it('also across two server processes sharing one PostgreSQL', async (ctx) => {
    if (!(await postgresAnswers())) ctx.skip();
    const db = await createDatabase();
    let a: RunningServer | undefined;
    let b: RunningServer | undefined;
    try {
      a = await startServer({ databaseUrl: db.url });
      b = await startServer({ databaseUrl: db.url });
      await claimShowsOnOtherPage(a.url, b.url, 'two-processes');
    } finally {
      await a?.stop();
      await b?.stop();
      await db.drop();
    }
  });
});
