import { describe, expect, it } from 'vitest';
import { apiSession, strict } from './support/api.ts';
import { PHONE, shot, signedIn } from './support/browser.ts';
import { e2eApp, orgWithCases } from './support/app.ts';

const app = e2eApp(orgWithCases([]));
const LAPTOP_1366 = { width: 1366, height: 860 };

/** Records desktop notifications and permission requests, and lets the test put the tab in the background. */
const DESKTOP_PROBE = () => {
  const w = window as unknown as { __shown: string[]; __asked: number; __hidden: boolean };
  w.__shown = [];
  w.__asked = 0;
  w.__hidden = false;
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (w.__hidden ? 'hidden' : 'visible') });
  const Original = window.Notification;
  // A stand-in with the same surface: it records what would be shown and asks the real API for permission.
  const Probe = function (this: unknown, title: string, options?: NotificationOptions) {
    w.__shown.push(options?.body ?? title);
    return { close() {}, onclick: null };
  } as unknown as typeof Notification;
  Object.defineProperty(Probe, 'permission', { get: () => Original.permission });
  Object.defineProperty(Probe, 'requestPermission', {
    value: () => {
      w.__asked++;
      return Original.requestPermission();
    },
  });
  Object.defineProperty(window, 'Notification', { configurable: true, value: Probe });
};

describe('notifications in the web app', () => {
  it('the bell counts live when someone else assigns a case; the panel links to it and marks it read; the list and settings pages', async () => {
    const { org } = app;
    const sue = strict(await apiSession(app.server.url, org.users.sue.email, org.users.sue.password));
    const alice = await signedIn(app.browser, app.server.url, org.users.alice, LAPTOP_1366);
    const bell = alice.page.getByRole('button', { name: /^Notifications, / });
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notifications, none unread');
    await expect.poll(() => alice.page.locator('.live-open').count(), { timeout: 5000 }).toBe(1);

    const c = await sue<{ id: string; reference: string }>('POST', '/cases', { subject: 'Printer on fire', teamId: org.supportId });
    await sue('POST', `/cases/${c.id}/assign`, { teamId: org.supportId, ownerId: org.users.alice.id });
    await expect.poll(() => bell.getAttribute('aria-label'), { timeout: 5000 }).toBe('Notifications, 1 unread');
    const c2 = await sue<{ id: string }>('POST', '/cases', { subject: 'Refund for order 1042', teamId: org.supportId });
    await sue('POST', `/cases/${c2.id}/assign`, { teamId: org.supportId, ownerId: org.users.alice.id });
    await expect.poll(() => bell.getAttribute('aria-label'), { timeout: 5000 }).toBe('Notifications, 2 unread');

    await bell.click();
    const panel = alice.page.getByRole('dialog', { name: 'Notifications' });
    await panel.getByRole('link', { name: /assigned you #.* Printer on fire/ }).waitFor();
    await shot(alice.page, 'notifications-bell-open-1366');
    await panel.getByRole('link', { name: /Printer on fire/ }).click();
    await alice.page.waitForURL(`**/cases/${c.id}`);
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notifications, 1 unread');

    await alice.page.goto(`${app.server.url}/notifications`);
    await alice.page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
    await alice.page.getByRole('link', { name: /Refund for order 1042/ }).waitFor();
    await shot(alice.page, 'notifications-page-1366');
    await alice.page.getByRole('button', { name: 'Mark all read' }).click();
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notifications, none unread');

    await alice.page.getByRole('link', { name: 'Settings' }).click();
    await alice.page.getByRole('heading', { name: 'Notification settings' }).waitFor();
    await alice.page.getByLabel('Followed cases: Email').check();
    await alice.page.getByLabel('One digest email per hour').check();
    await shot(alice.page, 'notification-settings-1366');
    await alice.page.getByRole('button', { name: 'Save settings' }).click();
    await alice.page.getByText('Notification settings saved').waitFor();
    expect(alice.errors).toEqual([]);
    await alice.context.close();

    const phone = await signedIn(app.browser, app.server.url, org.users.alice, PHONE);
    await phone.page.goto(`${app.server.url}/settings/notifications`);
    await expect.poll(() => phone.page.getByLabel('Followed cases: Email').isChecked()).toBe(true);
    expect(await phone.page.getByLabel('One digest email per hour').isChecked()).toBe(true);
    await shot(phone.page, 'notification-settings-390');
    await phone.page.getByRole('button', { name: /^Notifications, / }).click();
    await phone.page
      .getByRole('dialog', { name: 'Notifications' })
      .getByRole('link', { name: /Printer on fire/ })
      .waitFor();
    await shot(phone.page, 'notifications-bell-open-390');
    await phone.context.close();
  });

  it('desktop notifications: asked from the settings page only, shown only while the tab is in the background', async () => {
    const { org } = app;
    const sue = strict(await apiSession(app.server.url, org.users.sue.email, org.users.sue.password));
    const bob = await signedIn(app.browser, app.server.url, org.users.bob, LAPTOP_1366);
    await bob.context.addInitScript(DESKTOP_PROBE);
    await bob.page.goto(`${app.server.url}/`);
    await expect.poll(() => bob.page.locator('.live-open').count(), { timeout: 5000 }).toBe(1);
    expect(await bob.page.evaluate(() => (window as unknown as { __asked: number }).__asked)).toBe(0); // never on load

    await bob.page.goto(`${app.server.url}/settings/notifications`);
    await bob.page.getByRole('button', { name: 'Allow desktop notifications' }).waitFor();
    // The user says yes when the browser asks.
    await bob.context.grantPermissions(['notifications'], { origin: app.server.url });
    await bob.page.getByRole('button', { name: 'Allow desktop notifications' }).click();
    await bob.page.getByText('Desktop notifications are on in this browser').waitFor();
    expect(await bob.page.evaluate(() => (window as unknown as { __asked: number }).__asked)).toBe(1);
    await shot(bob.page, 'notification-settings-desktop-on');

    const bell = bob.page.getByRole('button', { name: /^Notifications, / });
    await expect.poll(() => bob.page.locator('.live-open').count(), { timeout: 5000 }).toBe(1);
    // In the foreground: the bell only.
    const front = await sue<{ id: string }>('POST', '/cases', { subject: 'Seen in the tab', teamId: org.supportId });
    await sue('POST', `/cases/${front.id}/assign`, { teamId: org.supportId, ownerId: org.users.bob.id });
    await expect.poll(() => bell.getAttribute('aria-label'), { timeout: 5000 }).toBe('Notifications, 1 unread');
    // In the background: a desktop notification too.
    await bob.page.evaluate(() => {
      (window as unknown as { __hidden: boolean }).__hidden = true;
    });
    const back = await sue<{ id: string }>('POST', '/cases', { subject: 'Seen on the desktop', teamId: org.supportId });
    await sue('POST', `/cases/${back.id}/assign`, { teamId: org.supportId, ownerId: org.users.bob.id });
    await expect
      .poll(() => bob.page.evaluate(() => (window as unknown as { __shown: string[] }).__shown), { timeout: 5000 })
      .toEqual([expect.stringMatching(/Sue Supervisor assigned you #.* Seen on the desktop/)]);
    expect(bob.errors).toEqual([]);
    await bob.context.close();
  });

  it('@mention in an internal note: the picker offers who may see the case (keyboard), the note shows it highlighted, the other user is told live', async () => {
    const { org } = app;
    const sue = strict(await apiSession(app.server.url, org.users.sue.email, org.users.sue.password));
    const c = await sue<{ id: string }>('POST', '/cases', { subject: 'Needs a second pair of eyes', teamId: org.supportId });
    const bob = await signedIn(app.browser, app.server.url, org.users.bob, LAPTOP_1366);
    const bobsBell = bob.page.getByRole('button', { name: /^Notifications, / });
    await expect.poll(() => bob.page.locator('.live-open').count(), { timeout: 5000 }).toBe(1);
    const before = await bobsBell.getAttribute('aria-label');

    const alice = await signedIn(app.browser, app.server.url, org.users.alice, LAPTOP_1366);
    await alice.page.goto(`${app.server.url}/cases/${c.id}`);
    await alice.page.getByText('Internal note', { exact: true }).click();
    const box = alice.page.getByLabel('Internal note (only agents see it)');
    await box.fill('Could you check the invoice, @bo');
    await box.press('End');
    const list = alice.page.getByRole('listbox', { name: 'People who can see this case' });
    await list.getByRole('option', { name: /Bob Agent/ }).waitFor();
    await shot(alice.page, 'mention-picker-1366');
    // Billing's people may not see a Support case: never offered.
    await box.fill('@');
    await box.press('End');
    await list.getByRole('option').first().waitFor();
    expect(await list.getByRole('option', { name: /Sue Supervisor/ }).count()).toBe(1);
    await box.fill('Could you check the invoice, @bo');
    await box.press('End');
    await list.getByRole('option', { name: /Bob Agent/ }).waitFor();
    await box.press('ArrowDown');
    await box.press('ArrowUp');
    await box.press('Enter');
    await expect.poll(() => box.inputValue()).toBe(`Could you check the invoice, @${org.users.bob.email} `);
    await box.pressSequentially('please?');
    await alice.page.getByRole('button', { name: 'Add note' }).click();
    const mark = alice.page.locator('mark.mention', { hasText: '@Bob Agent' });
    await mark.waitFor();
    await shot(alice.page, 'mention-note-1366');

    await expect.poll(() => bobsBell.getAttribute('aria-label'), { timeout: 5000 }).not.toBe(before);
    await bobsBell.click();
    await bob.page
      .getByRole('dialog', { name: 'Notifications' })
      .getByRole('link', { name: /Alice Agent mentioned you on #.* Needs a second pair of eyes/ })
      .waitFor();
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
    await alice.context.close();
    await bob.context.close();
  });
});
