import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, sql, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { makeOrg, seedCase, type Org } from '../test-support/case-fixtures.ts';
import { UNKNOWN_ID, expectForbidden, expectInvalid, expectProblem } from './admin-support.ts';

type Reply = { id: string; title: string; body: string; scope: string; teamId: string | null; editable: boolean };

const titles = async (t: TestApp, user: TestUser) => {
  const r = await call(t, user, 'GET', '/api/v1/canned-replies');
  expect(r.statusCode, r.body).toBe(200);
  return (r.data.cannedReplies as Reply[]).map((c) => c.title);
};
const rows = async (t: TestApp) =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM canned_replies`.execute(t.db.kysely)).rows[0]!.n;
const create = async (t: TestApp, user: TestUser, body: Record<string, unknown>): Promise<Reply> => {
  const r = await call(t, user, 'POST', '/api/v1/canned-replies', body);
  expect(r.statusCode, r.body).toBe(201);
  return r.data;
};

describe.each(DB_KINDS)('canned replies (%s)', (kind) => {
  let t: TestApp;
  let o: Org;
  let caseA: string;
  let caseB: string;
  let bare: string;

  beforeAll(async () => {
    t = await startTestApp(kind);
    o = await makeOrg(t);
    await t.db.kysely.updateTable('organisation').set({ name: 'Acme Support' }).where('id', '=', 1).execute();
    const at = new Date('2026-03-01T10:00:00Z');
    caseA = await seedCase(t.db, {
      teamId: o.teamA,
      createdAt: at,
      subject: 'Printer jams',
      reference: 'C-7001',
      customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
    });
    caseB = await seedCase(t.db, { teamId: o.teamB, createdAt: at, subject: 'Refund', customer: { name: 'Bo B' } });
    bare = await seedCase(t.db, { teamId: o.teamA, createdAt: at, subject: 'No customer', reference: 'C-7002' });
  });
  afterAll(() => t.close());

  it('answers 401 without credentials on every endpoint', async () => {
    for (const [method, url, body] of [
      ['GET', '/api/v1/canned-replies'],
      ['POST', '/api/v1/canned-replies', { title: 'X', body: 'Y', scope: 'personal' }],
      ['PATCH', `/api/v1/canned-replies/${UNKNOWN_ID}`, { title: 'X' }],
      ['DELETE', `/api/v1/canned-replies/${UNKNOWN_ID}`],
      ['POST', `/api/v1/canned-replies/${UNKNOWN_ID}/render`, { caseId: caseA }],
    ] as const) {
      expectProblem(await call(t, null, method, url, body), 401, 'unauthenticated');
    }
  });

  it('keeps a personal reply for its maker, renders it for a case they see, and lets them change and remove it', async () => {
    const r = await create(t, o.agent, {
      title: '  Greeting ',
      body: 'Hi {{customer.firstName}}, about {{ case.reference }} ({{case.subject}}): {{agent.firstName}} of {{organisation.name}}',
      scope: 'personal',
    });
    expect(r).toMatchObject({ title: 'Greeting', scope: 'personal', teamId: null, editable: true });
    expect(await titles(t, o.agent)).toContain('Greeting');
    for (const other of [o.agent2, o.admin, o.supervisor]) {
      expect(await titles(t, other)).not.toContain('Greeting');
      expectProblem(await call(t, other, 'PATCH', `/api/v1/canned-replies/${r.id}`, { title: 'Mine' }), 404, 'not_found');
      expectProblem(await call(t, other, 'POST', `/api/v1/canned-replies/${r.id}/render`, { caseId: caseA }), 404, 'not_found');
      expectProblem(await call(t, other, 'DELETE', `/api/v1/canned-replies/${r.id}`), 404, 'not_found');
    }
    const rendered = await call(t, o.agent, 'POST', `/api/v1/canned-replies/${r.id}/render`, { caseId: caseA });
    expect(rendered.statusCode, rendered.body).toBe(200);
    expect(rendered.data.body).toBe('Hi Ada, about C-7001 (Printer jams): Alice of Acme Support');
    const noCustomer = await call(t, o.agent, 'POST', `/api/v1/canned-replies/${r.id}/render`, { caseId: bare });
    expect(noCustomer.data.body).toBe('Hi, about C-7002 (No customer): Alice of Acme Support');

    const changed = await call(t, o.agent, 'PATCH', `/api/v1/canned-replies/${r.id}`, { title: 'Hello', body: 'Dear {{customer.name}}' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.data).toMatchObject({ title: 'Hello', body: 'Dear {{customer.name}}', scope: 'personal' });
    expect((await call(t, o.agent, 'DELETE', `/api/v1/canned-replies/${r.id}`)).statusCode).toBe(204);
    expect(await titles(t, o.agent)).not.toContain('Hello');
    expectProblem(await call(t, o.agent, 'DELETE', `/api/v1/canned-replies/${r.id}`), 404, 'not_found');
  });

  it('refuses to render for a case the user may not see, or one that does not exist (404)', async () => {
    const r = await create(t, o.agent, { title: 'Ref', body: '{{case.reference}}', scope: 'personal' });
    expectProblem(await call(t, o.agent, 'POST', `/api/v1/canned-replies/${r.id}/render`, { caseId: caseB }), 404, 'not_found');
    expectProblem(await call(t, o.agent, 'POST', `/api/v1/canned-replies/${r.id}/render`, { caseId: UNKNOWN_ID }), 404, 'not_found');
    expectInvalid(await call(t, o.agent, 'POST', `/api/v1/canned-replies/${r.id}/render`, { caseId: 'nope' }), 'caseId');
    expectProblem(await call(t, o.agent, 'POST', '/api/v1/canned-replies/nope/render', { caseId: caseA }), 404, 'not_found');
    await call(t, o.agent, 'DELETE', `/api/v1/canned-replies/${r.id}`);
  });

  it('refuses unknown placeholders, blank text and bad scopes with 400 naming the field, saving nothing', async () => {
    const before = await rows(t);
    const unknown = await call(t, o.agent, 'POST', '/api/v1/canned-replies', {
      title: 'Bad',
      body: 'Hi {{customer.nmae}} and {{ticket.id}}',
      scope: 'personal',
    });
    expectInvalid(unknown, 'body');
    expect(unknown.data.detail).toContain('{{customer.nmae}}');
    expect(unknown.data.detail).toContain('{{ticket.id}}');
    expectInvalid(await call(t, o.agent, 'POST', '/api/v1/canned-replies', { title: '  ', body: 'x', scope: 'personal' }), 'title');
    expectInvalid(await call(t, o.agent, 'POST', '/api/v1/canned-replies', { title: 'x', body: ' \n', scope: 'personal' }), 'body');
    expectInvalid(await call(t, o.agent, 'POST', '/api/v1/canned-replies', { title: 'x', body: 'y', scope: 'everyone' }), 'scope');
    expectInvalid(
      await call(t, o.agent, 'POST', '/api/v1/canned-replies', { title: 'x', body: 'y', scope: 'personal', teamId: o.teamA }),
      'teamId',
    );
    expectInvalid(await call(t, o.supervisor, 'POST', '/api/v1/canned-replies', { title: 'x', body: 'y', scope: 'team' }), 'teamId');
    expectInvalid(
      await call(t, o.supervisor, 'POST', '/api/v1/canned-replies', { title: 'x', body: 'y', scope: 'team', teamId: o.teamB }),
      'teamId',
    );
    expectInvalid(
      await call(t, o.admin, 'POST', '/api/v1/canned-replies', { title: 'x', body: 'y', scope: 'team', teamId: UNKNOWN_ID }),
      'teamId',
    );
    expectInvalid(
      await call(t, o.agent, 'POST', '/api/v1/canned-replies', { title: 'x', body: 'y', scope: 'personal', extra: 1 }),
      'extra',
    );
    const mine = await create(t, o.agent, { title: 'Fine', body: 'ok', scope: 'personal' });
    const bad = await call(t, o.agent, 'PATCH', `/api/v1/canned-replies/${mine.id}`, { body: '{{nope}}' });
    expectInvalid(bad, 'body');
    expect((await call(t, o.agent, 'GET', '/api/v1/canned-replies')).data.cannedReplies.find((c: Reply) => c.id === mine.id).body).toBe(
      'ok',
    );
    await call(t, o.agent, 'DELETE', `/api/v1/canned-replies/${mine.id}`);
    expect(await rows(t)).toBe(before);
  });

  it('keeps team replies for supervisors and admins of that team, and organisation ones for admins (403 naming the permission)', async () => {
    const before = await rows(t);
    expectForbidden(
      await call(t, o.viewer, 'POST', '/api/v1/canned-replies', { title: 'x', body: 'y', scope: 'personal' }),
      'case.message',
    );
    expectForbidden(
      await call(t, o.agent, 'POST', '/api/v1/canned-replies', { title: 'x', body: 'y', scope: 'team', teamId: o.teamA }),
      'canned.team',
    );
    expectForbidden(
      await call(t, o.agent, 'POST', '/api/v1/canned-replies', { title: 'x', body: 'y', scope: 'organisation' }),
      'admin.canned',
    );
    expectForbidden(
      await call(t, o.supervisor, 'POST', '/api/v1/canned-replies', { title: 'x', body: 'y', scope: 'organisation' }),
      'admin.canned',
    );
    expect(await rows(t)).toBe(before);

    const team = await create(t, o.supervisor, { title: 'Team A hello', body: 'Hello from team A', scope: 'team', teamId: o.teamA });
    const org = await create(t, o.admin, { title: 'Everyone bye', body: 'Bye, {{agent.name}}', scope: 'organisation' });
    expect(team).toMatchObject({ scope: 'team', teamId: o.teamA, editable: true });

    // Team A's agents use the team's reply but may not change it; team B sees only the organisation's.
    expect(await titles(t, o.agent)).toEqual(expect.arrayContaining(['Team A hello', 'Everyone bye']));
    const agentView = (await call(t, o.agent, 'GET', '/api/v1/canned-replies')).data.cannedReplies as Reply[];
    expect(agentView.find((c) => c.id === team.id)!.editable).toBe(false);
    expectForbidden(await call(t, o.agent, 'PATCH', `/api/v1/canned-replies/${team.id}`, { title: 'Mine' }), 'canned.team');
    expectForbidden(await call(t, o.agent, 'DELETE', `/api/v1/canned-replies/${org.id}`), 'admin.canned');
    expectForbidden(await call(t, o.supervisor, 'PATCH', `/api/v1/canned-replies/${org.id}`, { title: 'Mine' }), 'admin.canned');
    expect(await titles(t, o.agentB)).toContain('Everyone bye');
    expect(await titles(t, o.agentB)).not.toContain('Team A hello');
    expectProblem(await call(t, o.agentB, 'POST', `/api/v1/canned-replies/${team.id}/render`, { caseId: caseB }), 404, 'not_found');
    expect((await call(t, o.agentB, 'POST', `/api/v1/canned-replies/${org.id}/render`, { caseId: caseB })).data.body).toBe(
      'Bye, Bob Agent',
    );
    // A viewer replies to nobody: no canned replies at all.
    expect(await titles(t, o.viewer)).toEqual([]);

    // Moving a team reply to a team the supervisor is not on is refused; an admin may make it everyone's.
    expectInvalid(await call(t, o.supervisor, 'PATCH', `/api/v1/canned-replies/${team.id}`, { teamId: o.teamB }), 'teamId');
    const moved = await call(t, o.admin, 'PATCH', `/api/v1/canned-replies/${team.id}`, { scope: 'organisation' });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.data).toMatchObject({ scope: 'organisation', teamId: null });
    expect(await titles(t, o.agentB)).toContain('Team A hello');
    expect((await call(t, o.admin, 'DELETE', `/api/v1/canned-replies/${team.id}`)).statusCode).toBe(204);
    expect((await call(t, o.admin, 'DELETE', `/api/v1/canned-replies/${org.id}`)).statusCode).toBe(204);
    expect(await rows(t)).toBe(before);
  });
});
