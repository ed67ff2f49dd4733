import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, makeTeam, makeUser, type TestApp, type TestUser } from '../test-support/harness.ts';
import { expectProblem, startOrgOnLoopback, type Org } from '../test-support/case-fixtures.ts';
import { openSse, type SseEvent, type SseStream } from '../test-support/sse-client.ts';
import { uuidv7 } from '../ids.ts';

const about = (caseId: string) => (e: SseEvent) => e.data?.caseId === caseId;
const isPrefs = (e: SseEvent) => e.event === 'preferences.updated';

describe.each(DB_KINDS)('nothing leaks about cases a user may not see (%s)', (kind) => {
  let t: TestApp;
  let o: Org;
  let base = '';
  const streams: SseStream[] = [];

  beforeAll(async () => {
    ({ t, o, base } = await startOrgOnLoopback(kind));
  });
  afterEach(() => {
    for (const s of streams.splice(0)) s.close();
  });
  afterAll(() => t.close());

  const connected = async (user: TestUser) => {
    const s = openSse(`${base}/api/v1/events`, user.headers);
    streams.push(s);
    expect(await s.status).toBe(200);
    await s.next((e) => e.event === 'ready', 'ready');
    return s;
  };
  const create = async (teamId: string, subject: string) =>
    (await call(t, o.admin, 'POST', '/api/v1/cases', { subject, teamId })).data.id as string;
  /** The user's own preferences event: it arrives after everything committed before it, so a leak would be in by then. */
  const sentinel = async (user: TestUser, s: SseStream) => {
    expect((await call(t, user, 'PUT', '/api/v1/me/preferences', { collapsedSections: ['waiting'] })).statusCode).toBe(200);
    await s.next(isPrefs, 'own preferences.updated');
  };
  const role = async (name: string, permissions: string[]) => {
    const r = await call(t, o.admin, 'POST', '/api/v1/roles', { name, permissions });
    expect(r.statusCode).toBe(201);
    return r.data.id as string;
  };

  it("a role without case.view_team gets no Next case, count or claim-next from its teams' queue", async () => {
    const team = await makeTeam(t.db, 'Blind team');
    const blind = await makeUser(t.db, { role: await role('Claim only', ['case.claim', 'case.follow']), teamIds: [team] });
    const hidden = await create(team, 'Secret queue case');
    expectProblem(await call(t, blind, 'GET', `/api/v1/cases/${hidden}`), 404, 'not_found');
    const work = await call(t, blind, 'GET', '/api/v1/me/work');
    expect(work.data).toMatchObject({ next: null, unassignedCount: 0 });
    expectProblem(await call(t, blind, 'POST', '/api/v1/me/work/claim-next'), 404, 'queue_empty');
    expect((await call(t, o.admin, 'GET', `/api/v1/cases/${hidden}`)).data.ownerId).toBeNull();
  });

  it("another user's preferences event reaches only them, not users who see every case", async () => {
    const boss = await connected(o.supervisor);
    const mine = await connected(o.agent2);
    await sentinel(o.agent2, mine);
    const marker = await create(o.teamA, 'After the preferences change');
    await boss.next(about(marker), 'a later case event for the supervisor');
    expect(boss.events.filter(isPrefs)).toEqual([]);
  });

  it('a user taken off a team while connected hears nothing more of its cases', async () => {
    const leaver = await makeUser(t.db, { role: 'agent', teamIds: [o.teamA] });
    const s = await connected(leaver);
    const before = await create(o.teamA, 'Still mine to hear');
    await s.next(about(before), 'case before removal');
    expect((await call(t, o.admin, 'PATCH', `/api/v1/users/${leaver.id}`, { teamIds: [] })).statusCode).toBe(200);
    const after = await create(o.teamA, 'No longer for the leaver');
    await sentinel(leaver, s);
    expect(s.events.filter(about(after))).toEqual([]);
    expect(s.events.some((e) => e.event === 'resync')).toBe(true);
  });

  it("a team's new membership applies to connected users at once", async () => {
    const team = await makeTeam(t.db, 'Rotating');
    const member = await makeUser(t.db, { role: 'agent', teamIds: [team] });
    const s = await connected(member);
    expect((await call(t, o.admin, 'PATCH', `/api/v1/teams/${team}`, { memberIds: [o.agent.id] })).statusCode).toBe(200);
    const after = await create(team, 'For the new members only');
    await sentinel(member, s);
    expect(s.events.filter(about(after))).toEqual([]);
  });

  it('a role that loses case.view_team while its users are connected stops their team events at once', async () => {
    const watcherRole = await role('Watcher', ['case.view_team', 'case.follow']);
    const watcher = await makeUser(t.db, { role: watcherRole, teamIds: [o.teamA] });
    const s = await connected(watcher);
    const seen = await create(o.teamA, 'Visible to watchers');
    await s.next(about(seen), 'case while allowed');
    expect((await call(t, o.admin, 'PATCH', `/api/v1/roles/${watcherRole}`, { permissions: ['case.follow'] })).statusCode).toBe(200);
    const after = await create(o.teamA, 'Not for watchers any more');
    await sentinel(watcher, s);
    expect(s.events.filter(about(after))).toEqual([]);
  });

  it('public chat: a token opens only its own chat, internal notes never reach the customer, a long chat still answers', async () => {
    const ch = await call(t, o.admin, 'POST', '/api/v1/channels', { type: 'web_connect', name: 'Site', teamId: o.teamA, settings: {} });
    const start = (name: string) =>
      call(t, null, 'POST', '/api/v1/chat/sessions', {
        channelKey: ch.data.publicKey,
        name,
        email: `${name}@x.test`,
        message: `Hi from ${name}`,
      });
    const a = (await start('ann')).data;
    const b = (await start('bob')).data;
    expectProblem(await call(t, null, 'GET', `/api/v1/chat/sessions/${a.id}?token=${b.token}`), 401, 'unauthenticated');
    await call(t, o.agent, 'POST', `/api/v1/cases/${a.caseId}/messages`, { body: 'internal: refund fraud?', internal: true });
    await call(t, o.agent, 'POST', `/api/v1/cases/${a.caseId}/resolve`, { resolution: 'completed', note: 'closing note' });
    await call(t, o.agent, 'POST', `/api/v1/cases/${a.caseId}/reopen`);
    await call(t, o.agent, 'POST', `/api/v1/cases/${a.caseId}/messages`, { body: 'Public answer' });
    const seen = await call(t, null, 'GET', `/api/v1/chat/sessions/${a.id}?token=${a.token}`);
    expect(seen.data.messages.map((m: { body: string }) => m.body)).toEqual(['Hi from ann', 'Public answer']);
    const base0 = Date.now() - 3_600_000;
    await t.db.kysely
      .insertInto('messages')
      .values(
        Array.from({ length: 210 }, (_, i) => ({
          id: uuidv7(base0 + i),
          case_id: a.caseId,
          body: `old ${i}`,
          internal: false,
          direction: 'outbound',
          channel: 'web_connect',
          author_id: o.agent.id,
          created_at: new Date(base0 + i),
        })),
      )
      .execute();
    const sent = await t.app.inject({
      method: 'POST',
      url: `/api/v1/chat/sessions/${a.id}/messages`,
      headers: { 'content-type': 'application/json', 'x-chat-token': a.token },
      payload: { body: 'Message 212' },
    });
    expect(sent.statusCode).toBe(201);
    expect(sent.json()).toMatchObject({ body: 'Message 212', from: 'customer' });
  });

  it('a channel-scoped token cannot mint, list or revoke API tokens (no way out of its scope)', async () => {
    const ch = await call(t, o.admin, 'POST', '/api/v1/channels', { type: 'platform', name: 'Shop API', teamId: o.teamA, settings: {} });
    expect(ch.statusCode).toBe(201);
    const minted = await call(t, o.admin, 'POST', '/api/v1/tokens', { name: 'shop', channelId: ch.data.id });
    const scoped: TestUser = {
      id: o.admin.id,
      email: '',
      token: minted.data.token,
      headers: { authorization: `Bearer ${minted.data.token}` },
    };
    // Refused centrally: token routes do not serve a channel (channel-token-scope.test.ts).
    expect(expectProblem(await call(t, scoped, 'POST', '/api/v1/tokens', { name: 'escape' }), 403, 'forbidden').action).toBe(
      'channel_token',
    );
    expectProblem(await call(t, scoped, 'GET', '/api/v1/tokens'), 403, 'forbidden');
    expectProblem(await call(t, scoped, 'DELETE', `/api/v1/tokens/${minted.data.id}`), 403, 'forbidden');
    expect((await call(t, scoped, 'GET', '/api/v1/me')).statusCode).toBe(200);
  });
});
