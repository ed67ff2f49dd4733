import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, fixedClock, makeTeam, makeUser, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { expectProblem, fingerprint, seedCase } from '../test-support/case-fixtures.ts';

const NOW = new Date('2026-07-01T12:00:00.000Z');
const KEYS = ['active_chats', 'ready', 'waiting', 'solved_today', 'following'];

describe.each(DB_KINDS)('My Work endpoints (%s)', (kind) => {
  let t: TestApp;
  let team: string;
  let other: string;
  let v: TestUser, viewer: TestUser, stranger: TestUser;
  const readyIds: string[] = [];

  beforeAll(async () => {
    t = await startTestApp(kind, { clock: fixedClock(NOW) });
    team = await makeTeam(t.db, 'Desk');
    other = await makeTeam(t.db, 'Elsewhere');
    v = await makeUser(t.db, { role: 'agent', teamIds: [team], timeZone: 'Europe/Lisbon' });
    viewer = await makeUser(t.db, { role: 'viewer', teamIds: [team] });
    stranger = await makeUser(t.db, { role: 'agent', teamIds: [other] });
    // 30 owned ready cases, two per second so that equal times are paged by id.
    for (let i = 0; i < 30; i++) {
      readyIds.push(
        await seedCase(t.db, {
          teamId: team,
          ownerId: v.id,
          type: 'email',
          createdAt: new Date(Date.parse('2026-06-01T00:00:00Z') + Math.floor(i / 2) * 1000),
        }),
      );
    }
    readyIds.reverse();
  });
  afterAll(() => t.close());

  it('GET /me/work: 401 without credentials; the five sections in order with counts, first pages and cursors', async () => {
    expectProblem(await call(t, null, 'GET', '/api/v1/me/work'), 401, 'unauthenticated');
    const w = (await call(t, v, 'GET', '/api/v1/me/work')).data;
    expect(w).toMatchObject({ next: null, unassignedCount: 0, capacityReached: false, maxOpenPerUser: null });
    expect(w.sections.map((s: { key: string }) => s.key)).toEqual(KEYS);
    const ready = w.sections[1];
    expect(ready).toMatchObject({ key: 'ready', title: 'Ready To Solve', count: 30, collapsed: false });
    expect(ready.cases.map((c: { id: string }) => c.id)).toEqual(readyIds.slice(0, 25));
    expect(ready.cases[0].actions).toEqual(['unassign', 'set_waiting', 'resolve', 'spam', 'follow', 'message', 'edit']);
    expect(typeof ready.nextCursor).toBe('string');
    for (const s of w.sections.filter((x: { key: string }) => x.key !== 'ready'))
      expect(s).toMatchObject({ count: 0, cases: [], nextCursor: null });
  });

  it('GET /me/work/sections/:key pages on without duplicates or gaps', async () => {
    const first = (await call(t, v, 'GET', '/api/v1/me/work')).data.sections[1];
    const rest = await call(t, v, 'GET', `/api/v1/me/work/sections/ready?cursor=${first.nextCursor}`);
    expect(rest.statusCode).toBe(200);
    expect(rest.data).toMatchObject({ key: 'ready', count: 30, nextCursor: null });
    expect([...first.cases, ...rest.data.cases].map((c: { id: string }) => c.id)).toEqual(readyIds);
    const small: string[] = [];
    let cursor = '';
    for (let i = 0; i < 20; i++) {
      const page = (await call(t, v, 'GET', `/api/v1/me/work/sections/ready?limit=7${cursor && `&cursor=${cursor}`}`)).data;
      small.push(...page.cases.map((c: { id: string }) => c.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(small).toEqual(readyIds);
    expect((await call(t, v, 'GET', '/api/v1/me/work/sections/following')).data).toEqual({
      key: 'following',
      count: 0,
      cases: [],
      nextCursor: null,
    });
  });

  it('GET /me/work/sections/:key: 401, 404 for an unknown section, 400 for bad cursors and limits', async () => {
    expectProblem(await call(t, null, 'GET', '/api/v1/me/work/sections/ready'), 401, 'unauthenticated');
    expectProblem(await call(t, v, 'GET', '/api/v1/me/work/sections/unassigned'), 404, 'not_found');
    for (const q of ['cursor=zzz', 'limit=0', 'limit=500', 'page=2']) {
      expectProblem(await call(t, v, 'GET', `/api/v1/me/work/sections/ready?${q}`), 400, 'validation_failed');
    }
  });

  it("a user only ever sees their own sections (another user's cases never appear)", async () => {
    const w = (await call(t, stranger, 'GET', '/api/v1/me/work')).data;
    expect(w.sections.every((s: { count: number }) => s.count === 0)).toBe(true);
    const viewerWork = (await call(t, viewer, 'GET', '/api/v1/me/work')).data;
    expect(viewerWork.sections.every((s: { count: number }) => s.count === 0)).toBe(true);
  });

  it('POST /me/work/claim-next: 401, 403 for a viewer, 404 queue_empty, then claims the next case', async () => {
    expectProblem(await call(t, null, 'POST', '/api/v1/me/work/claim-next'), 401, 'unauthenticated');
    const before = await fingerprint(t.db);
    expect(expectProblem(await call(t, viewer, 'POST', '/api/v1/me/work/claim-next'), 403, 'forbidden').action).toBe('case.claim');
    expectProblem(await call(t, v, 'POST', '/api/v1/me/work/claim-next'), 404, 'queue_empty');
    expectProblem(await call(t, v, 'POST', '/api/v1/me/work/claim-next', { caseId: readyIds[0] }), 400, 'validation_failed');
    expect(await fingerprint(t.db)).toBe(before);
    const elsewhere = await seedCase(t.db, { teamId: other, type: 'web_connect', createdAt: new Date('2026-07-01T11:00:00Z') });
    const older = await seedCase(t.db, { teamId: team, type: 'sms', createdAt: new Date('2026-06-30T11:00:00Z') });
    const today = await seedCase(t.db, { teamId: team, type: 'sms', createdAt: new Date('2026-07-01T10:00:00Z') });
    const w = (await call(t, v, 'GET', '/api/v1/me/work')).data;
    expect(w.next.case.id).toBe(today);
    expect(w.next.reason).toBe('SMS · newest of 1 created today');
    expect(w.unassignedCount).toBe(2);
    const r = await call(t, v, 'POST', '/api/v1/me/work/claim-next');
    expect(r.statusCode).toBe(200);
    expect(r.data).toMatchObject({
      id: today,
      status: 'ready',
      ownerId: v.id,
      ownerName: expect.stringMatching(/^agent /),
      teamId: team,
      updatedAt: NOW.toISOString(),
    });
    expect(r.data.actions).toContain('resolve');
    // The history holds the domain's claim of a queued case, in its order, by the claimer.
    const history = (await call(t, v, 'GET', `/api/v1/cases/${today}/events`)).data;
    const claimEvents = history.events.filter((e: { type: string }) => e.type !== 'case.created');
    expect(claimEvents.map((e: { type: string; actorId: string; data: Record<string, unknown> }) => [e.type, e.actorId, e.data])).toEqual([
      ['case.claimed', v.id, { ownerId: v.id }],
      ['case.status_changed', v.id, { from: 'new', to: 'ready', reason: 'claimed' }],
    ]);
    expect((await call(t, v, 'GET', '/api/v1/me/work')).data).toMatchObject({ next: { case: { id: older } }, unassignedCount: 1 });
    expect((await call(t, v, 'POST', '/api/v1/me/work/claim-next')).data.id).toBe(older);
    expectProblem(await call(t, v, 'POST', '/api/v1/me/work/claim-next'), 404, 'queue_empty');
    expect((await call(t, stranger, 'GET', `/api/v1/cases/${elsewhere}`)).data.ownerId).toBeNull();
  });

  it('preferences: 401; PUT stores the collapsed sections (deduplicated), GET and My Work reflect them', async () => {
    expectProblem(await call(t, null, 'GET', '/api/v1/me/preferences'), 401, 'unauthenticated');
    expectProblem(await call(t, null, 'PUT', '/api/v1/me/preferences', { collapsedSections: [] }), 401, 'unauthenticated');
    expect((await call(t, v, 'GET', '/api/v1/me/preferences')).data).toEqual({ collapsedSections: [] });
    const put = await call(t, v, 'PUT', '/api/v1/me/preferences', { collapsedSections: ['waiting', 'following', 'waiting'] });
    expect(put.statusCode).toBe(200);
    expect(put.data).toEqual({ collapsedSections: ['waiting', 'following'] });
    expect((await call(t, v, 'GET', '/api/v1/me/preferences')).data).toEqual({ collapsedSections: ['waiting', 'following'] });
    const w = (await call(t, v, 'GET', '/api/v1/me/work')).data;
    expect(w.sections.map((s: { collapsed: boolean }) => s.collapsed)).toEqual([false, false, true, false, true]);
    expect((await call(t, viewer, 'GET', '/api/v1/me/preferences')).data).toEqual({ collapsedSections: [] });
    await call(t, v, 'PUT', '/api/v1/me/preferences', { collapsedSections: [] });
    expect((await call(t, v, 'GET', '/api/v1/me/work')).data.sections.every((s: { collapsed: boolean }) => !s.collapsed)).toBe(true);
  });

  it('preferences: 400 naming the field for unknown sections, wrong types and unknown fields; nothing stored', async () => {
    await call(t, v, 'PUT', '/api/v1/me/preferences', { collapsedSections: ['ready'] });
    const before = await fingerprint(t.db);
    const bad: [unknown, string][] = [
      [{ collapsedSections: ['ready', 'inbox'] }, 'collapsedSections'],
      [{ collapsedSections: 'ready' }, 'collapsedSections'],
      [{ collapsedSections: [1] }, 'collapsedSections.0'],
      [{}, 'collapsedSections'],
      [{ collapsedSections: [], theme: 'dark' }, 'theme'],
    ];
    for (const [body, field] of bad) {
      const p = expectProblem(await call(t, v, 'PUT', '/api/v1/me/preferences', body), 400, 'validation_failed');
      expect(
        p.fields.map((f: { field: string }) => f.field),
        JSON.stringify(body),
      ).toEqual([field]);
    }
    expect(await fingerprint(t.db)).toBe(before);
    expect((await call(t, v, 'GET', '/api/v1/me/preferences')).data).toEqual({ collapsedSections: ['ready'] });
  });
});
