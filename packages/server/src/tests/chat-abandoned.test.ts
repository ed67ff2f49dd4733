import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, makeTeam, makeUser, type TestUser } from '../test-support/harness.ts';
import { http as req, startChannelServer, type ChannelServer } from '../test-support/channel-harness.ts';

/**
 * SPEC §15: a chat the customer ends before any agent replied is abandoned, not solved: it
 * resolves `unresolved` with `resolutionReason: "abandoned"` and never shows under Solved Today.
 */
describe.each(DB_KINDS)('abandoned chats (%s)', (kind) => {
  let s: ChannelServer;
  let agent: TestUser;
  let admin: TestUser;
  let web: { publicKey: string };

  beforeAll(async () => {
    s = await startChannelServer(kind);
    const team = await makeTeam(s.db, 'Chat team');
    admin = await makeUser(s.db, { role: 'admin' });
    agent = await makeUser(s.db, { role: 'agent', teamIds: [team], timeZone: 'UTC' });
    web = (await req(s.base, admin, 'POST', '/api/v1/channels', { type: 'web_connect', name: 'Site chat', teamId: team, settings: {} }))
      .data;
  });
  afterAll(() => s.close());

  const startChat = async (message: string) => {
    const r = await req(s.base, null, 'POST', '/api/v1/chat/sessions', {
      channelKey: web.publicKey,
      name: 'Carla Kunde',
      email: 'carla@cust.test',
      message,
    });
    expect(r.status).toBe(201);
    return r.data as { id: string; token: string; caseId: string };
  };
  const endChat = async (chat: { id: string; token: string }, body: Record<string, unknown> = {}) => {
    const r = await req(s.base, null, 'POST', `/api/v1/chat/sessions/${chat.id}/end`, body, { 'x-chat-token': chat.token });
    expect(r.status).toBe(200);
    return r.data;
  };
  const getCase = async (id: string) => (await req(s.base, agent, 'GET', `/api/v1/cases/${id}`)).data;
  /** The case ids under Solved Today, as My Work and the section's own page list them (with counts). */
  const solvedToday = async () => {
    const work = (await req(s.base, agent, 'GET', '/api/v1/me/work')).data;
    const section = work.sections.find((x: { key: string }) => x.key === 'solved_today');
    const page = (await req(s.base, agent, 'GET', '/api/v1/me/work/sections/solved_today')).data;
    const ids = (cases: { id: string }[]) => cases.map((c) => c.id);
    return { work: ids(section.cases), workCount: section.count, page: ids(page.cases), pageCount: page.count };
  };

  it('claimed, no reply (an internal note is not one), ended by the customer → unresolved/abandoned, not under Solved Today', async () => {
    const before = await solvedToday();
    const chat = await startChat('Is anyone there?');
    expect((await req(s.base, agent, 'POST', `/api/v1/cases/${chat.caseId}/claim`)).status).toBe(200);
    expect((await req(s.base, agent, 'POST', `/api/v1/cases/${chat.caseId}/messages`, { body: 'looking', internal: true })).status).toBe(
      201,
    );
    expect(await endChat(chat)).toMatchObject({ status: 'resolved', ended: true });

    const c = await getCase(chat.caseId);
    expect(c).toMatchObject({ status: 'resolved', resolution: 'unresolved', resolutionReason: 'abandoned', ownerId: agent.id });
    expect(c.resolvedAt).not.toBeNull();
    const after = await solvedToday();
    expect(after).toEqual(before);
    expect(after.work).not.toContain(chat.caseId);
    expect(after.page).not.toContain(chat.caseId);
    const listed = (await req(s.base, agent, 'GET', `/api/v1/cases?status=resolved&ownerId=me`)).data.cases.find(
      (x: { id: string }) => x.id === chat.caseId,
    );
    expect(listed).toMatchObject({ resolution: 'unresolved', resolutionReason: 'abandoned' });
    const history = (await req(s.base, agent, 'GET', `/api/v1/cases/${chat.caseId}/events`)).data;
    expect(JSON.stringify(history)).toContain('abandoned');
  });

  it('answered by an agent, then ended → solved (completed) as before, under Solved Today', async () => {
    const before = await solvedToday();
    const chat = await startChat('Where is my parcel?');
    await req(s.base, agent, 'POST', `/api/v1/cases/${chat.caseId}/claim`);
    expect((await req(s.base, agent, 'POST', `/api/v1/cases/${chat.caseId}/messages`, { body: 'Let me check.' })).status).toBe(201);
    await endChat(chat);
    expect(await getCase(chat.caseId)).toMatchObject({ status: 'resolved', resolution: 'completed', resolutionReason: null });
    const after = await solvedToday();
    expect(after.work).toContain(chat.caseId);
    expect(after.page).toContain(chat.caseId);
    expect(after.workCount).toBe(before.workCount + 1);
    expect(after.pageCount).toBe(before.pageCount + 1);
  });

  it('never claimed, ended with a rating → closed, still unresolved/abandoned', async () => {
    const chat = await startChat('Hello?');
    await endChat(chat, { stars: 2, note: 'Nobody came' });
    expect(await getCase(chat.caseId)).toMatchObject({
      status: 'closed',
      resolution: 'unresolved',
      resolutionReason: 'abandoned',
      ownerId: null,
      rating: { stars: 2, note: 'Nobody came' },
    });
  });

  it('an abandoned chat reopened by an agent loses its reason; resolved by hand it is solved', async () => {
    const chat = await startChat('Anyone?');
    await req(s.base, agent, 'POST', `/api/v1/cases/${chat.caseId}/claim`);
    await endChat(chat);
    const reopened = await req(s.base, agent, 'POST', `/api/v1/cases/${chat.caseId}/reopen`, {});
    expect(reopened.status).toBe(200);
    expect(reopened.data).toMatchObject({ status: 'ready', resolution: null, resolutionReason: null });
    const resolved = await req(s.base, agent, 'POST', `/api/v1/cases/${chat.caseId}/resolve`, { resolution: 'completed' });
    expect(resolved.data).toMatchObject({ status: 'resolved', resolution: 'completed', resolutionReason: null });
    expect((await solvedToday()).work).toContain(chat.caseId);
  });
});
