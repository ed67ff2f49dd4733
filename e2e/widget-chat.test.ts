import { describe, expect, it } from 'vitest';
import { ADMIN } from './support/server.ts';
import { apiSession, seedOrg, strict } from './support/api.ts';
import { LAPTOP, shot, signedIn } from './support/browser.ts';
import { e2eApp } from './support/app.ts';

const app = e2eApp();

describe('web chat widget (customer in one browser, agent in another)', () => {
  it('the customer chats through the widget on the demo site, the agent answers live, the customer ends and rates', async () => {
    const admin = await apiSession(app.server.url, ADMIN.email, ADMIN.password);
    const org = await seedOrg(admin);
    const channel = await strict(admin)<{ publicKey: string }>('POST', '/channels', {
      type: 'web_connect',
      name: 'Website',
      teamId: org.supportId,
      settings: { title: 'Northwind help' },
    });

    const customerContext = await app.browser.newContext({ viewport: LAPTOP });
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
    await agent.page.getByPlaceholder('Write a reply to the customer').fill('Hi Carla, it left our warehouse today.');
    await agent.page.getByRole('button', { name: 'Send reply' }).click();

    await customer.locator('li.agent', { hasText: 'it left our warehouse today' }).waitFor({ timeout: 5000 });
    await shot(customer, 'widget-chat-customer-got-reply');

    await customer.getByRole('textbox', { name: 'Message' }).fill('Great, thank you!');
    await customer.getByRole('button', { name: 'Send', exact: true }).click();
    await customer.locator('li.customer', { hasText: 'Great, thank you!' }).waitFor();
    await agent.page.getByText('Great, thank you!').first().waitFor({ timeout: 10_000 });
    await shot(agent.page, 'widget-chat-agent-case-page');

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
});
