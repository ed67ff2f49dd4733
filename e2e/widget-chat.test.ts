import { describe, expect, it } from 'vitest';
import { ADMIN } from './support/server.ts';
import { apiSession, seedOrg, strict } from './support/api.ts';
import { PHONE, shot, signedIn } from './support/browser.ts';
import { e2eApp } from './support/app.ts';

const app = e2eApp();
const DESKTOP = { width: 1280, height: 800 };

describe('web chat widget (customer in one browser, agent in another)', () => {
  it('the customer chats through the widget on the demo site: told the team knows, sees who joined and who types, sends a picture; ends and rates', async () => {
    const admin = await apiSession(app.server.url, ADMIN.email, ADMIN.password);
    const org = await seedOrg(admin);
    const channel = await strict(admin)<{ publicKey: string }>('POST', '/channels', {
      type: 'web_connect',
      name: 'Website',
      teamId: org.supportId,
      settings: { title: 'Northwind help' },
    });

    const customerContext = await app.browser.newContext({ viewport: DESKTOP });
    const customer = await customerContext.newPage();
    const errors: string[] = [];
    customer.on('pageerror', (e) => errors.push(e.message));
    await customer.goto(`${app.server.url}/demo/chat?key=${channel.publicKey}`);
    const launcher = customer.getByRole('button', { name: 'Chat with us' });
    await launcher.waitFor();
    // Styles are isolated: the host page's serif font does not reach the widget.
    const font = await launcher.evaluate((el) => getComputedStyle(el).fontFamily);
    expect(font).not.toMatch(/Georgia/);
    await launcher.click();
    await customer.getByLabel('Name').fill('Carla Kunde');
    await customer.getByLabel('Email').fill('carla@cust.test');
    await customer.getByLabel('Message').fill('Hello, where is my parcel?');
    await customer.getByRole('button', { name: 'Start chat' }).click();
    await customer.locator('li.customer', { hasText: 'Hello, where is my parcel?' }).waitFor();
    await customer.getByText("We've let the team know. Someone will be with you shortly.").waitFor();
    await shot(customer, 'widget-chat-customer-waiting');

    const cases = await strict(admin)<{ cases: { id: string; type: string; status: string; teamId: string }[] }>(
      'GET',
      '/cases?type=web_connect',
    );
    expect(cases.cases).toHaveLength(1);
    expect(cases.cases[0]).toMatchObject({ type: 'web_connect', status: 'new', teamId: org.supportId });
    const caseId = cases.cases[0]!.id;

    const agent = await signedIn(app.browser, app.server.url, org.users.alice);
    await agent.page.goto(`${app.server.url}/cases/${caseId}`);
    await agent.page.getByText('Hello, where is my parcel?').first().waitFor();
    await agent.page.getByRole('group', { name: 'Case actions' }).getByRole('button', { name: 'Claim' }).click();
    // The customer learns who joined (first name only), and the waiting notice goes.
    await customer.locator('li.note', { hasText: 'Alice joined the chat' }).waitFor({ timeout: 10_000 });
    await customer.getByText("We've let the team know").waitFor({ state: 'hidden' });

    // Typing, both ways.
    await customer.getByRole('textbox', { name: 'Message' }).pressSequentially('Also, ', { delay: 20 });
    await agent.page.getByText('Carla is typing').waitFor({ timeout: 10_000 });
    await shot(agent.page, 'widget-chat-agent-sees-typing');
    await agent.page.getByPlaceholder('Write a reply to the customer').pressSequentially('Hi Carla', { delay: 20 });
    await customer.getByText('Alice is typing').waitFor({ timeout: 10_000 });
    await shot(customer, 'widget-chat-customer-sees-typing');
    await agent.page.getByPlaceholder('Write a reply to the customer').fill('Hi Carla, it left our warehouse today.');
    await agent.page.getByRole('button', { name: 'Send reply' }).click();

    await customer.locator('li.agent', { hasText: 'it left our warehouse today' }).waitFor({ timeout: 5000 });
    await customer.getByText('Alice is typing').waitFor({ state: 'hidden' });
    await shot(customer, 'widget-chat-customer-got-reply');

    await customer.getByRole('textbox', { name: 'Message' }).fill('Great, thank you!');
    await customer.getByRole('button', { name: 'Send', exact: true }).click();
    await customer.locator('li.customer', { hasText: 'Great, thank you!' }).waitFor();
    await agent.page.getByText('Great, thank you!').first().waitFor({ timeout: 10_000 });

    // A picture from the widget: the customer sees it in the chat, the agent on the case like a mail's file.
    await customer.getByRole('button', { name: 'Attach a picture' }).waitFor();
    // A real PNG, drawn by the browser: a parcel label.
    const png = await customer.evaluate(() => {
      const canvas = document.createElement('canvas');
      canvas.width = 240;
      canvas.height = 150;
      const g = canvas.getContext('2d')!;
      g.fillStyle = '#fef3c7';
      g.fillRect(0, 0, 240, 150);
      g.fillStyle = '#92400e';
      g.font = 'bold 20px sans-serif';
      g.fillText('PARCEL 4471-XK', 20, 60);
      g.fillRect(20, 80, 200, 40);
      return canvas.toDataURL('image/png').split(',')[1]!;
    });
    await customer.locator('input.file').setInputFiles({ name: 'label.png', mimeType: 'image/png', buffer: Buffer.from(png, 'base64') });
    const picture = customer.locator('li.customer img.picture[alt="label.png"]');
    await picture.waitFor();
    await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(240);
    // Not a picture: refused in words, nothing sent.
    await customer.locator('input.file').setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('plain text') });
    await customer.getByRole('alert').filter({ hasText: 'Only pictures can be sent in a chat.' }).waitFor();
    await agent.page.getByText('label.png').first().waitFor({ timeout: 10_000 });
    await shot(customer, 'widget-chat-customer-picture');
    await shot(agent.page, 'widget-chat-agent-case-page');
    const files = await strict(admin)<{ messages: { attachments: { name: string; contentType: string }[] }[] }>(
      'GET',
      `/cases/${caseId}/messages`,
    );
    expect(files.messages.flatMap((m) => m.attachments)).toEqual([
      expect.objectContaining({ name: 'label.png', contentType: 'image/png' }),
    ]);

    await customer.getByRole('button', { name: 'End chat' }).click();
    await customer.getByRole('button', { name: '4 stars' }).click();
    await customer.getByRole('button', { name: 'Send rating' }).click();
    await customer.getByText('Thank you! Your chat has ended.').waitFor();
    await shot(customer, 'widget-chat-customer-rated');

    const after = await strict(admin)<{ status: string; resolution: string; rating: { stars: number } }>('GET', `/cases/${caseId}`);
    expect(after).toMatchObject({ status: 'closed', resolution: 'completed', rating: { stars: 4 } });
    expect(errors).toEqual([]);
    await agent.context.close();
    await customerContext.close();
  });

  it('on a phone the chat fills the screen with a visible close button', async () => {
    const admin = await apiSession(app.server.url, ADMIN.email, ADMIN.password);
    const team = await strict(admin)<{ id: string }>('POST', '/teams', { name: 'Mobile' });
    const channel = await strict(admin)<{ publicKey: string }>('POST', '/channels', {
      type: 'web_connect',
      name: 'Mobile site',
      teamId: team.id,
      settings: { title: 'Northwind help', greeting: 'Questions about an order? We are here.' },
    });
    const context = await app.browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${app.server.url}/demo/chat?key=${channel.publicKey}`);
    await page.getByRole('button', { name: 'Chat with us' }).click();
    const panel = page.getByRole('dialog', { name: 'Northwind help' });
    await panel.waitFor();
    expect(await panel.boundingBox()).toEqual({ x: 0, y: 0, width: PHONE.width, height: PHONE.height });
    const close = page.getByRole('button', { name: 'Close chat window' });
    const box = (await close.boundingBox())!;
    expect(box.width).toBeGreaterThanOrEqual(44);
    expect(box.y).toBeGreaterThanOrEqual(0);
    await page.getByLabel('Name').fill('Pia Phone');
    await page.getByLabel('Email').fill('pia@cust.test');
    await page.getByLabel('Message').fill('Can I change my delivery address?');
    await page.getByRole('button', { name: 'Start chat' }).click();
    await page.getByText("We've let the team know. Someone will be with you shortly.").waitFor();
    await shot(page, 'widget-chat-phone');
    await close.click();
    await panel.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Chat with us' }).waitFor();
    await context.close();
  });
});
