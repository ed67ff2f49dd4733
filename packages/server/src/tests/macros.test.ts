import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, sql, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { makeOrg, seedCase, type Org } from '../test-support/case-fixtures.ts';
import { UNKNOWN_ID, expectForbidden, expectInvalid, expectProblem } from './admin-support.ts';

type Macro = { id: string; title: string; steps: Record<string, unknown>[]; scope: string; teamId: string | null; editable: boolean };

const create = async (t: TestApp, user: TestUser, body: Record<string, unknown>): Promise<Macro> => {
  const r = await call(t, user, 'POST', '/api/v1/macros', body);
  expect(r.statusCode, r.body).toBe(201);
  return r.data;
};
const offered = async (t: TestApp, user: TestUser, caseId?: string) => {
  const r = await call(t, user, 'GET', `/api/v1/macros${caseId ? `?caseId=${caseId}` : ''}`);
  expect(r.statusCode, r.body).toBe(200);
  return (r.data.macros as Macro[]).map((m) => m.title);
};
/** Everything a macro could change on a case: status, tags, priority, fields, owner, team, messages, history, followers. */
const state = async (t: TestApp, caseId: string) =>
  (
    await sql<Record<string, unknown>>`SELECT c.status, c.resolution, c.tags, c.priority, c.fields::text AS fields, c.owner_id, c.team_id,
      (SELECT count(*)::int FROM messages m WHERE m.case_id = c.id) AS messages,
      (SELECT count(*)::int FROM case_events e WHERE e.case_id = c.id) AS events,
      (SELECT count(*)::int FROM case_collaborators k WHERE k.case_id = c.id) AS followers
      FROM cases c WHERE c.id = ${caseId}::uuid`.execute(t.db.kysely)
  ).rows[0]!;

describe.each(DB_KINDS)('macros (%s)', (kind) => {
  let t: TestApp;
  let o: Org;
  const at = new Date('2026-03-01T10:00:00Z');
  const ownCase = (over: Record<string, unknown> = {}) =>
    seedCase(t.db, {
      teamId: o.teamA,
      ownerId: o.agent.id,
      createdAt: at,
      subject: 'Printer jams',
      customer: { name: 'Ada Lovelace' },
      ...over,
    });

  beforeAll(async () => {
    t = await startTestApp(kind);
    o = await makeOrg(t);
    const now = new Date();
    await t.db.kysely
      .insertInto('case_fields')
      .values([
        {
          key: 'plan',
          label: 'Plan',
          type: 'select',
          options: ['gold', 'silver'],
          required: false,
          team_ids: null,
          created_at: now,
          updated_at: now,
        },
        { key: 'rma', label: 'RMA number', type: 'text', options: null, required: true, team_ids: null, created_at: now, updated_at: now },
      ])
      .execute();
  });
  afterAll(() => t.close());

  it('answers 401 without credentials on every endpoint', async () => {
    for (const [method, url, body] of [
      ['GET', '/api/v1/macros'],
      ['POST', '/api/v1/macros', { title: 'X', steps: [{ type: 'follow' }], scope: 'personal' }],
      ['PATCH', `/api/v1/macros/${UNKNOWN_ID}`, { title: 'X' }],
      ['DELETE', `/api/v1/macros/${UNKNOWN_ID}`],
      ['POST', `/api/v1/cases/${UNKNOWN_ID}/apply-macro`, { macroId: UNKNOWN_ID }],
    ] as const) {
      expectProblem(await call(t, null, method, url, body), 401, 'unauthenticated');
    }
  });

  it('applies every step at once: tags, priority, a field, a rendered reply and note, follow, resolve — one history, one answer', async () => {
    const caseId = await ownCase();
    await t.db.kysely
      .updateTable('cases')
      .set({ tags: ['triage'] })
      .where('id', '=', caseId)
      .execute();
    const m = await create(t, o.agent, {
      title: 'Refund done',
      scope: 'personal',
      steps: [
        { type: 'add_tags', tags: ['Refund', 'billing'] },
        { type: 'remove_tags', tags: ['triage'] },
        { type: 'set_priority', priority: 'high' },
        { type: 'set_fields', fields: { plan: 'gold', rma: 'R-1' } },
        { type: 'reply', body: 'Hi {{customer.firstName}}, your refund is on its way. {{agent.firstName}}' },
        { type: 'note', body: 'Refunded by macro' },
        { type: 'follow' },
        { type: 'resolve', resolution: 'completed' },
      ],
    });
    expect(m).toMatchObject({ title: 'Refund done', scope: 'personal', editable: true });
    expect(await offered(t, o.agent, caseId)).toContain('Refund done');

    const r = await call(t, o.agent, 'POST', `/api/v1/cases/${caseId}/apply-macro`, { macroId: m.id });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.data).toMatchObject({
      id: caseId,
      status: 'resolved',
      resolution: 'completed',
      priority: 'high',
      tags: ['billing', 'refund'],
    });
    expect(await state(t, caseId)).toMatchObject({ status: 'resolved', tags: ['billing', 'refund'], messages: 2, followers: 1 });
    const bodies = (
      await sql<{
        body: string;
        internal: boolean;
      }>`SELECT body, internal FROM messages WHERE case_id = ${caseId}::uuid ORDER BY created_at, id`.execute(t.db.kysely)
    ).rows;
    expect(bodies).toEqual([
      { body: 'Hi Ada, your refund is on its way. Alice', internal: false },
      { body: 'Refunded by macro', internal: true },
    ]);
    const types = (
      await sql<{ type: string }>`SELECT type FROM case_events WHERE case_id = ${caseId}::uuid ORDER BY id`.execute(t.db.kysely)
    ).rows.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'case.tags_changed',
        'case.priority_changed',
        'case.field_changed',
        'case.message_created',
        'case.collaborator_added',
        'case.status_changed',
      ]),
    );
    // A resolved case no longer offers a macro that resolves.
    expect(await offered(t, o.agent, caseId)).not.toContain('Refund done');
  });

  it('a refused step changes nothing and the problem names it (a required field, a teammate’s case, a closed one)', async () => {
    const caseId = await ownCase();
    const m = await create(t, o.agent, {
      title: 'Close out',
      scope: 'personal',
      steps: [
        { type: 'add_tags', tags: ['done'] },
        { type: 'note', body: 'Closing' },
        { type: 'resolve', resolution: 'completed' },
      ],
    });
    const before = await state(t, caseId);
    const p = expectProblem(
      await call(t, o.agent, 'POST', `/api/v1/cases/${caseId}/apply-macro`, { macroId: m.id }),
      409,
      'fields_required',
    );
    expect(p).toMatchObject({ step: 2, stepType: 'resolve' });
    expect(p.detail).toMatch(/^Step 3 \(resolve\): /);
    expect(await state(t, caseId)).toEqual(before);

    // An agent resolves only their own cases: on a teammate's case the macro is not offered, and refused at step 2 (403).
    const teammates = await ownCase({ ownerId: o.agent2.id });
    expect(await offered(t, o.agent, teammates)).not.toContain('Close out');
    const before2 = await state(t, teammates);
    const q = expectProblem(await call(t, o.agent, 'POST', `/api/v1/cases/${teammates}/apply-macro`, { macroId: m.id }), 403, 'forbidden');
    expect(q).toMatchObject({ step: 2, action: 'resolve' });
    expect(await state(t, teammates)).toEqual(before2);

    const closed = await ownCase({ status: 'closed' });
    const c = expectProblem(
      await call(t, o.agent, 'POST', `/api/v1/cases/${closed}/apply-macro`, { macroId: m.id }),
      409,
      'transition_not_allowed',
    );
    expect(c.step).toBe(0);
  });

  it('a wait step sets waiting with its wake time and is not offered on a waiting case', async () => {
    const caseId = await ownCase();
    const m = await create(t, o.agent, {
      title: 'Wait a day',
      scope: 'personal',
      steps: [
        { type: 'add_tags', tags: ['asked'] },
        { type: 'wait', wakeInMinutes: 1440 },
      ],
    });
    const r = await call(t, o.agent, 'POST', `/api/v1/cases/${caseId}/apply-macro`, { macroId: m.id });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.data.status).toBe('waiting');
    const wake = new Date(r.data.wakeAt).getTime() - Date.now();
    expect(wake).toBeGreaterThan(1439 * 60_000);
    expect(wake).toBeLessThanOrEqual(1440 * 60_000);
    expect(await offered(t, o.agent, caseId)).not.toContain('Wait a day');
    const before = await state(t, caseId);
    expect(
      expectProblem(await call(t, o.agent, 'POST', `/api/v1/cases/${caseId}/apply-macro`, { macroId: m.id }), 409, 'transition_not_allowed')
        .step,
    ).toBe(1);
    expect(await state(t, caseId)).toEqual(before);
  });

  it('a supervisor’s assign step moves the case to another team through the assign rules', async () => {
    const caseId = await ownCase();
    const m = await create(t, o.supervisor, {
      title: 'To team B',
      scope: 'personal',
      steps: [
        { type: 'note', body: 'Moving' },
        { type: 'assign', teamId: o.teamB },
      ],
    });
    const r = await call(t, o.supervisor, 'POST', `/api/v1/cases/${caseId}/apply-macro`, { macroId: m.id });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.data).toMatchObject({ teamId: o.teamB, ownerId: null });
  });

  it('404 for a case the user may not see; 400 macroId for a macro they may not use', async () => {
    const other = await seedCase(t.db, { teamId: o.teamB, createdAt: at });
    const mine = await create(t, o.agent, { title: 'Mine', scope: 'personal', steps: [{ type: 'follow' }] });
    expectProblem(await call(t, o.agent, 'POST', `/api/v1/cases/${other}/apply-macro`, { macroId: mine.id }), 404, 'not_found');
    expectProblem(await call(t, o.agent, 'GET', `/api/v1/macros?caseId=${other}`), 404, 'not_found');
    const caseId = await ownCase();
    expectInvalid(await call(t, o.agent2, 'POST', `/api/v1/cases/${caseId}/apply-macro`, { macroId: mine.id }), 'macroId');
    expectInvalid(await call(t, o.agent, 'POST', `/api/v1/cases/${caseId}/apply-macro`, { macroId: UNKNOWN_ID }), 'macroId');
  });

  it('refuses bad macros naming the step or field, and saves nothing', async () => {
    const count = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM macros`.execute(t.db.kysely)).rows[0]!.n;
    const before = await count();
    const bad = (steps: unknown[], user: TestUser = o.agent) =>
      call(t, user, 'POST', '/api/v1/macros', { title: 'Bad', scope: 'personal', steps });
    expectInvalid(await bad([{ type: 'wait' }, { type: 'resolve', resolution: 'completed' }]), 'steps.1');
    expectInvalid(await bad([{ type: 'assign', teamId: o.teamB }]), 'steps.0'); // an agent can never assign
    expectInvalid(await bad([{ type: 'resolve', resolution: 'canceled' }]), 'steps.0'); // nor cancel
    expectInvalid(await bad([{ type: 'note', body: 'x' }], o.viewer), 'steps.0'); // a viewer never writes
    expectInvalid(await bad([{ type: 'set_fields', fields: { colour: 'red' } }]), 'steps.0.fields.colour');
    expectInvalid(await bad([{ type: 'set_fields', fields: { plan: 'bronze' } }]), 'steps.0.fields.plan');
    expectInvalid(await bad([{ type: 'note', body: 'Hi {{customer.nmae}}' }]), 'steps.0.body');
    expectInvalid(await bad([{ type: 'note', body: 'x', tags: ['a'] }]), 'steps.0.tags');
    expectInvalid(await bad([{ type: 'set_priority' }]), 'steps.0.priority');
    expectInvalid(await bad([{ type: 'assign', teamId: UNKNOWN_ID }], o.admin), 'steps.0.teamId');
    expectInvalid(await bad([]), 'steps');
    expectInvalid(
      await call(t, o.agent, 'POST', '/api/v1/macros', { title: ' ', scope: 'personal', steps: [{ type: 'follow' }] }),
      'title',
    );
    expect(await count()).toBe(before);
  });

  it('keeps team and organisation macros like canned replies: who uses, who changes', async () => {
    const steps = [{ type: 'add_tags', tags: ['vip'] }];
    expectForbidden(await call(t, o.agent, 'POST', '/api/v1/macros', { title: 'T', scope: 'team', teamId: o.teamA, steps }), 'macro.team');
    expectForbidden(await call(t, o.supervisor, 'POST', '/api/v1/macros', { title: 'O', scope: 'organisation', steps }), 'admin.macros');
    expectInvalid(await call(t, o.supervisor, 'POST', '/api/v1/macros', { title: 'T', scope: 'team', teamId: o.teamB, steps }), 'teamId');
    const team = await create(t, o.supervisor, { title: 'Team A VIP', scope: 'team', teamId: o.teamA, steps });
    const org = await create(t, o.admin, { title: 'Everyone VIP', scope: 'organisation', steps });
    expect(await offered(t, o.agent)).toEqual(expect.arrayContaining(['Team A VIP', 'Everyone VIP']));
    expect(await offered(t, o.agentB)).toContain('Everyone VIP');
    expect(await offered(t, o.agentB)).not.toContain('Team A VIP');
    expectForbidden(await call(t, o.agent, 'PATCH', `/api/v1/macros/${team.id}`, { title: 'Mine now' }), 'macro.team');
    expectProblem(await call(t, o.agentB, 'DELETE', `/api/v1/macros/${team.id}`), 404, 'not_found');
    const changed = await call(t, o.supervisor, 'PATCH', `/api/v1/macros/${team.id}`, {
      title: 'Team A VIP tag',
      steps: [{ type: 'remove_tags', tags: ['vip'] }],
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.data).toMatchObject({ title: 'Team A VIP tag', steps: [{ type: 'remove_tags', tags: ['vip'] }] });
    expect((await call(t, o.admin, 'DELETE', `/api/v1/macros/${org.id}`)).statusCode).toBe(204);
    expect(await offered(t, o.agent)).not.toContain('Everyone VIP');
    // A viewer never takes an edit step: team macros of tags are not offered on a case.
    const caseId = await ownCase();
    expect(await offered(t, o.viewer, caseId)).not.toContain('Team A VIP tag');
    expect(await offered(t, o.agent, caseId)).toContain('Team A VIP tag');
  });
});
