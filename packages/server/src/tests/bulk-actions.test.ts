import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, sql, startTestApp, type TestApp } from '../test-support/harness.ts';
import { UNKNOWN_ID, expectProblem, expectRefused, fingerprint, makeOrg, seedCase, type Org } from '../test-support/case-fixtures.ts';

const at = new Date('2026-03-01T10:00:00Z');
type Result = { caseId: string; ok: boolean; case?: { id: string; ownerId: string | null; status: string; teamId: string }; problem?: any };

describe.each(DB_KINDS)('POST /api/v1/cases/bulk (%s)', (kind) => {
  let t: TestApp;
  let o: Org;
  const bulk = async (user: Org['agent'], body: unknown) => {
    const r = await call(t, user, 'POST', '/api/v1/cases/bulk', body);
    expect(r.statusCode, r.body).toBe(200);
    return r.data.results as Result[];
  };
  const events = async (caseId: string) =>
    (await sql<{ type: string }>`SELECT type FROM case_events WHERE case_id = ${caseId}::uuid ORDER BY id`.execute(t.db.kysely)).rows.map(
      (r) => r.type,
    );

  beforeAll(async () => {
    t = await startTestApp(kind);
    o = await makeOrg(t);
  });
  afterAll(() => t.close());

  it('answers 401 without credentials', async () => {
    expectProblem(await call(t, null, 'POST', '/api/v1/cases/bulk', { caseIds: [UNKNOWN_ID], action: 'claim' }), 401, 'unauthenticated');
  });

  it('refuses bad requests whole, naming the field, changing nothing', async () => {
    const id = await seedCase(t.db, { teamId: o.teamA, createdAt: at });
    const cases = (n: number) => Array.from({ length: n }, () => id);
    const refused = async (body: unknown, field: string) => {
      const p = await expectRefused(t, o.supervisor, 'POST', '/api/v1/cases/bulk', body, 400, 'validation_failed');
      expect(p.fields.map((f: { field: string }) => f.field)).toContain(field);
    };
    const many = Array.from({ length: 101 }, (_, i) => `01900000-0000-7000-8000-${String(i).padStart(12, '0')}`);
    await refused({ caseIds: many, action: 'claim' }, 'caseIds');
    await refused({ caseIds: [], action: 'claim' }, 'caseIds');
    await refused({ caseIds: cases(2), action: 'claim' }, 'caseIds');
    await refused({ caseIds: [id, id.toUpperCase()], action: 'claim' }, 'caseIds');
    await refused({ caseIds: ['nope'], action: 'claim' }, 'caseIds.0');
    await refused({ caseIds: [id], action: 'delete' }, 'action');
    await refused({ caseIds: [id], action: 'resolve' }, 'resolution');
    await refused({ caseIds: [id], action: 'resolve', resolution: 'canceled' }, 'resolution');
    await refused({ caseIds: [id], action: 'assign' }, 'teamId');
    await refused({ caseIds: [id], action: 'claim', teamId: o.teamB }, 'teamId');
    await refused({ caseIds: [id], action: 'follow', note: 'hi' }, 'note');
    await refused({ caseIds: [id], action: 'claim', colour: 'red' }, 'colour');
    await refused({ caseIds: [id], action: 'mark_spam', note: 'junk' }, 'note');
  });

  it('claims many in one request: each case gets what its own claim would, the others go on', async () => {
    const free1 = await seedCase(t.db, { teamId: o.teamA, createdAt: at });
    const taken = await seedCase(t.db, { teamId: o.teamA, ownerId: o.agent2.id, createdAt: at });
    const invisible = await seedCase(t.db, { teamId: o.teamB, createdAt: at });
    const resolved = await seedCase(t.db, { teamId: o.teamA, status: 'resolved', createdAt: at });
    const free2 = await seedCase(t.db, { teamId: o.teamA, createdAt: at });
    const ids = [free1, taken, invisible, UNKNOWN_ID, resolved, free2];
    const results = await bulk(o.agent, { caseIds: ids, action: 'claim' });
    expect(results.map((r) => r.caseId)).toEqual(ids);
    expect(results.map((r) => r.ok)).toEqual([true, false, false, false, false, true]);
    expect(results[0]!.case).toMatchObject({ id: free1, ownerId: o.agent.id, status: 'ready' });
    expect(results[5]!.case).toMatchObject({ id: free2, ownerId: o.agent.id });
    expect(results[1]!.problem).toMatchObject({ status: 409, code: 'already_claimed', ownerId: o.agent2.id });
    // An invisible case is refused exactly like one that does not exist.
    expect(results[2]!.problem).toEqual(results[3]!.problem);
    expect(results[2]!.problem).toMatchObject({ status: 404, code: 'not_found' });
    const single = await call(t, o.agent, 'POST', `/api/v1/cases/${resolved}/claim`, {});
    expect(results[4]!.problem).toMatchObject({ status: single.statusCode, code: single.data.code });
    // The history and the rows say the same.
    expect(await events(free1)).toContain('case.claimed');
    expect(await events(invisible)).toEqual([]);
    const owners = await sql<{
      id: string;
      owner_id: string | null;
    }>`SELECT id, owner_id FROM cases WHERE id = ANY(${[taken, invisible]}::uuid[])`.execute(t.db.kysely);
    expect(Object.fromEntries(owners.rows.map((r) => [r.id, r.owner_id]))).toEqual({ [taken]: o.agent2.id, [invisible]: null });
  });

  it('assigns and resolves with the single actions’ parameters and rules', async () => {
    const a = await seedCase(t.db, { teamId: o.teamA, ownerId: o.agent.id, createdAt: at });
    const b = await seedCase(t.db, { teamId: o.teamA, createdAt: at });
    const moved = await bulk(o.supervisor, { caseIds: [a, b], action: 'assign', teamId: o.teamB });
    expect(moved.map((r) => [r.ok, r.case?.teamId, r.case?.ownerId])).toEqual([
      [true, o.teamB, null],
      [true, o.teamB, null],
    ]);
    // An agent may not assign: 403 naming the action on each visible case.
    const c = await seedCase(t.db, { teamId: o.teamA, createdAt: at });
    const refused = await bulk(o.agent, { caseIds: [c], action: 'assign', ownerId: o.agent.id });
    expect(refused[0]!.problem).toMatchObject({ status: 403, code: 'forbidden', action: 'assign' });
    // Resolve with a note: the note is added to each resolved case; a case the agent does not own is refused.
    const mine = await seedCase(t.db, { teamId: o.teamA, ownerId: o.agent.id, createdAt: at });
    const theirs = await seedCase(t.db, { teamId: o.teamA, ownerId: o.agent2.id, createdAt: at });
    const resolved = await bulk(o.agent, { caseIds: [mine, theirs], action: 'resolve', resolution: 'completed', note: 'Fixed in 4.2' });
    expect(resolved.map((r) => r.ok)).toEqual([true, false]);
    expect(resolved[0]!.case?.status).toBe('resolved');
    expect(resolved[1]!.problem).toMatchObject({ status: 403, action: 'resolve' });
    const notes = await sql<{ case_id: string }>`SELECT case_id FROM messages WHERE body = 'Fixed in 4.2'`.execute(t.db.kysely);
    expect(notes.rows.map((r) => r.case_id)).toEqual([mine]);
  });

  it('lets a viewer follow the cases they see and nothing else', async () => {
    const seen = await seedCase(t.db, { teamId: o.teamA, createdAt: at });
    const unseen = await seedCase(t.db, { teamId: o.teamB, createdAt: at });
    const before = await fingerprint(t.db);
    const results = await bulk(o.viewer, { caseIds: [unseen], action: 'follow' });
    expect(results[0]!.problem).toMatchObject({ status: 404 });
    expect(await fingerprint(t.db)).toBe(before);
    const ok = await bulk(o.viewer, { caseIds: [seen], action: 'follow' });
    expect(ok[0]!.ok).toBe(true);
    expect(await events(seen)).toContain('case.collaborator_added');
  });

  it('marks many as spam, each as its own spam action would: when it became spam is on the case', async () => {
    const own = await seedCase(t.db, { teamId: o.teamA, ownerId: o.agent.id, status: 'ready', createdAt: at });
    const others = await seedCase(t.db, { teamId: o.teamA, ownerId: o.agent2.id, status: 'ready', createdAt: at });
    const invisible = await seedCase(t.db, { teamId: o.teamB, createdAt: at });
    const closed = await seedCase(t.db, { teamId: o.teamA, ownerId: o.agent.id, status: 'closed', createdAt: at });
    const before = await fingerprint(t.db);
    const refused = await bulk(o.viewer, { caseIds: [own], action: 'mark_spam' });
    expect(refused[0]!.problem).toMatchObject({ status: 403, action: 'spam' });
    expect(await fingerprint(t.db)).toBe(before);
    const results = await bulk(o.agent, { caseIds: [own, others, invisible, closed], action: 'mark_spam' });
    expect(results.map((r) => [r.ok, r.problem?.status ?? null])).toEqual([
      [true, null],
      [false, 403],
      [false, 404],
      [false, 409],
    ]);
    const spam = results[0]!.case as unknown as { status: string; spamAt: string | null; actions: string[] };
    expect(spam).toMatchObject({ status: 'spam', actions: ['not_spam'] });
    expect(Number.isNaN(Date.parse(spam.spamAt!))).toBe(false);
    expect((await call(t, o.supervisor, 'GET', `/api/v1/cases/${own}`)).data.spamAt).toBe(spam.spamAt);
    expect((await call(t, o.supervisor, 'GET', `/api/v1/cases/${others}`)).data).toMatchObject({ status: 'ready', spamAt: null });
    expect(await events(own)).toEqual(['case.status_changed']);
    const back = await call(t, o.agent, 'POST', `/api/v1/cases/${own}/not-spam`, {});
    expect(back.data).toMatchObject({ status: 'ready', spamAt: null });
  });

  it('takes up to 100 cases in one request', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) ids.push(await seedCase(t.db, { teamId: o.teamA, createdAt: at }));
    const results = await bulk(o.supervisor, { caseIds: ids, action: 'follow' });
    expect(results.filter((r) => r.ok)).toHaveLength(100);
  });
});
