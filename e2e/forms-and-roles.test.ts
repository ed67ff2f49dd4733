import { describe, expect, it } from 'vitest';
import { LIMITS } from '@casework/domain';
import { apiSession, seedOrg, strict, type Org } from './support/api.ts';
import { expectAccessible } from './support/a11y.ts';
import { PHONE, shot, signedIn } from './support/browser.ts';
import { e2eApp } from './support/app.ts';

const app = e2eApp(async (admin) => {
  const org: Org = await seedOrg(admin);
  const channel = await strict(admin)<{ publicKey: string }>('POST', '/channels', {
    type: 'web_connect',
    name: 'Website',
    teamId: org.supportId,
    settings: {},
  });
  return { org, channelKey: channel.publicKey };
});

const optionTexts = (page: import('playwright-core').Page, label: string) => page.getByLabel(label).locator('option').allTextContents();

describe('forms offer only what the user may do, and say it plainly', () => {
  it('New case lists only the teams and owners an agent may choose; a supervisor gets all', async () => {
    const bob = await signedIn(app.browser, app.server.url, app.org.users.bob);
    await bob.page.goto(`${app.server.url}/cases/new`);
    await bob.page.getByLabel('Subject').waitFor();
    await expect.poll(() => optionTexts(bob.page, 'Team')).toEqual(['Support']);
    await expect.poll(() => optionTexts(bob.page, 'Owner (optional)')).toEqual(['Unassigned (team queue)', 'Bob Agent (me)']);
    await shot(bob.page, 'new-case-agent');
    await bob.context.close();

    const sue = await signedIn(app.browser, app.server.url, app.org.users.sue);
    await sue.page.goto(`${app.server.url}/cases/new`);
    await expect.poll(async () => (await optionTexts(sue.page, 'Team')).sort()).toEqual(['Billing', 'Support']);
    await sue.page.getByLabel('Team').selectOption({ label: 'Support' });
    await expect
      .poll(async () => (await optionTexts(sue.page, 'Owner (optional)')).sort())
      .toEqual(['Alice Agent', 'Bob Agent', 'Sue Supervisor (me)', 'Unassigned (team queue)', 'Vic Viewer']);
    await sue.context.close();
  });

  it("a wrong email gets a plain message beside the field, not the validator's words", async () => {
    const { page, context } = await signedIn(app.browser, app.server.url, app.org.users.bob);
    await page.goto(`${app.server.url}/cases/new`);
    await page.getByLabel('Subject').fill('Parcel lost');
    await page.getByLabel('Email', { exact: true }).fill('not-an-address');
    await page.getByRole('button', { name: 'Create case' }).click();
    const message = page.locator('#customer-email-error');
    await message.waitFor();
    expect(await message.textContent()).toBe('Must be an email address, like name@example.com.');
    expect(await page.getByLabel('Email', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    const text = await page.locator('body').textContent();
    expect(text).not.toMatch(/must match|format "/);
    await shot(page, 'new-case-plain-error');
    await context.close();
  });

  it('the subject stops at the shared limit, with a counter, and the case is created', async () => {
    const { page, context } = await signedIn(app.browser, app.server.url, app.org.users.bob, PHONE);
    await page.goto(`${app.server.url}/cases/new`);
    const subject = page.getByLabel('Subject');
    await subject.fill('A'.repeat(1127));
    expect((await subject.inputValue()).length).toBe(LIMITS.subject);
    expect(await page.locator('.char-count').first().textContent()).toBe(`${LIMITS.subject} / ${LIMITS.subject} characters`);
    await shot(page, 'new-case-subject-limit-phone');
    await page.getByRole('button', { name: 'Create case' }).click();
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    await page.locator('h1', { hasText: 'AAAA' }).waitFor();
    await context.close();
  });
});

describe('text agrees with itself and shows no raw ids', () => {
  it('a viewer is told they cannot claim and is not told to claim', async () => {
    const { page, context } = await signedIn(app.browser, app.server.url, app.org.users.vic);
    await strict(await apiSession(app.server.url, app.org.users.sue.email, app.org.users.sue.password))('POST', '/cases', {
      subject: 'Queue for the viewer',
      teamId: app.org.supportId,
    });
    await page.goto(`${app.server.url}/`);
    await page.locator('.next-panel .case-card').waitFor();
    const text = (await page.locator('main, body').first().textContent()) ?? '';
    expect(text).toContain('Your role cannot claim cases.');
    expect(text).not.toMatch(/Claim the next case|Claim It/);
    await page.getByRole('button', { name: /Keyboard shortcuts/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    expect(await dialog.textContent()).not.toMatch(/Claim/);
    await shot(page, 'viewer-shortcuts');
    await page.keyboard.press('Escape');
    await page.goto(`${app.server.url}/cases/new`);
    await page.getByText('You cannot create cases').waitFor();
    await expectAccessible(page, 'viewer new case');
    await context.close();
  });

  it('a web chat case shows the channel by name ("Web chat"), never the raw type id', async () => {
    const started = await fetch(`${app.server.url}/api/v1/chat/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channelKey: app.channelKey, name: 'Carla Kunde', email: 'carla@cust.test', message: 'Where is my parcel?' }),
    });
    expect(started.status).toBe(201);
    const { caseId } = (await started.json()) as { caseId: string };
    const alice = await signedIn(app.browser, app.server.url, app.org.users.alice);
    const api = strict(await apiSession(app.server.url, app.org.users.alice.email, app.org.users.alice.password));
    await api('POST', `/cases/${caseId}/claim`, {});
    await api('POST', `/cases/${caseId}/messages`, { body: 'It left our warehouse today.', internal: false });
    await alice.page.goto(`${app.server.url}/cases/${caseId}`);
    await alice.page.getByText('It left our warehouse today.').waitFor();
    const chips = await alice.page.locator('.message-meta .chip').allTextContents();
    expect(chips).toEqual(expect.arrayContaining(['Web chat', 'Reply · Web chat']));
    expect(await alice.page.locator('body').textContent()).not.toMatch(/web_connect|support_sdk/);
    await shot(alice.page, 'case-web-chat-labels');
    await alice.page.goto(`${app.server.url}/cases?type=web_connect`);
    await alice.page.locator('table.cases-table tbody tr, .case-card').first().waitFor();
    expect(await alice.page.locator('body').textContent()).toContain('Web chat');
    expect(await alice.page.locator('body').textContent()).not.toMatch(/web_connect|support_sdk/);
    await alice.context.close();
  });
});
