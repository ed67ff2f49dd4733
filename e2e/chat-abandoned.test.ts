import { describe, expect, it } from 'vitest';
import { strict } from './support/api.ts';
import { shot, signedIn } from './support/browser.ts';
import { e2eApp, orgWithCases } from './support/app.ts';

const app = e2eApp(orgWithCases());

/** A chat the customer ended before anyone replied reads as abandoned on the case page, not as solved. */
describe('abandoned chat', () => {
  it('the case page says "Abandoned" and why; My Work does not list it under Solved Today', async () => {
    const admin = strict(app.admin);
    const channel = await admin<{ publicKey: string }>('POST', '/channels', {
      type: 'web_connect',
      name: 'Site chat',
      teamId: app.org.supportId,
      settings: {},
    });
    const post = async (path: string, body: unknown, token?: string) => {
      const r = await fetch(`${app.server.url}/api/v1${path}`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...(token ? { 'x-chat-token': token } : {}) },
      });
      expect(r.status).toBeLessThan(300);
      return r.json() as Promise<{ id: string; token: string; caseId: string }>;
    };
    const chat = await post('/chat/sessions', {
      channelKey: channel.publicKey,
      name: 'Carla Kunde',
      email: 'carla@cust.test',
      message: 'Is anyone there?',
    });

    const { page, context, errors } = await signedIn(app.browser, app.server.url, app.org.users.alice, { width: 1280, height: 800 });
    await page.goto(`${app.server.url}/cases/${chat.caseId}`);
    await page.getByRole('group', { name: 'Case actions' }).getByRole('button', { name: 'Claim' }).click();
    await expect.poll(() => page.locator('.details').first().textContent()).toContain('Alice Agent');
    await post(`/chat/sessions/${chat.id}/end`, {}, chat.token);

    await expect.poll(() => page.locator('.details').first().textContent(), { timeout: 10_000 }).toContain('Resolved · Abandoned');
    expect(await page.locator('.details').first().textContent()).toContain('The customer ended the chat before anyone replied.');
    await shot(page, 'chat-abandoned-case');

    // Alice's own case, resolved today: were it solved, it would be here.
    const { reference } = await admin<{ reference: string }>('GET', `/cases/${chat.caseId}`);
    await page.goto(`${app.server.url}/`);
    const solved = page.locator('#section-solved_today');
    await solved.waitFor({ state: 'attached' });
    await expect.poll(() => page.locator('#section-solved_today-heading').textContent()).toContain('Solved Today');
    expect(await solved.textContent()).not.toContain(reference);
    expect(await page.locator('#section-solved_today-heading .count-badge').textContent()).toBe('0');
    expect(errors).toEqual([]);
    await context.close();
  });
});
