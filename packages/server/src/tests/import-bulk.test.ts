import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DB_KINDS, call, sql, type TestApp } from '../test-support/harness.ts';
import { startOrgOnLoopback, type Org } from '../test-support/case-fixtures.ts';
import { openSse, type SseStream } from '../test-support/sse-client.ts';

// References the next imports draw before random ones: lets a test make them collide.
const forced = vi.hoisted(() => ({ refs: [] as string[] }));
vi.mock('../ids.ts', async (original) => {
  const real = await original<typeof import('../ids.ts')>();
  return {
    ...real,
    newReferences: (n: number) => {
      const head = forced.refs.splice(0, n);
      return [...head, ...real.newReferences(n - head.length)];
    },
  };
});

const URL = '/api/v1/import/cases';
const at = (i: number) => new Date(Date.UTC(2025, 5, 1) + i * 60_000).toISOString();

describe.each(DB_KINDS)('importing in bulk (%s)', (kind) => {
  let t: TestApp;
  let o: Org;
  let base = '';
  const streams: SseStream[] = [];
  beforeAll(async () => {
    ({ t, o, base } = await startOrgOnLoopback(kind));
  });
  afterEach(() => {
    forced.refs.length = 0;
    for (const s of streams.splice(0)) s.close();
  });
  afterAll(() => t.close());

  const referencesOf = async (ids: string[]) =>
    (
      await sql<{ id: string; reference: string }>`SELECT id::text AS id, reference FROM cases WHERE id = ANY(${ids}::uuid[])`.execute(
        t.db.kysely,
      )
    ).rows;
  const count = async (table: 'cases' | 'case_events' | 'case_collaborators') =>
    (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(t.db.kysely)).rows[0]!.n;

  it('a drawn reference that is taken (by an older case or within the request) is drawn again', async () => {
    forced.refs.push('KKKKKK');
    const first = await call(t, o.admin, 'POST', URL, {
      cases: [{ subject: 'Holds KKKKKK', type: 'email', teamId: o.teamA, status: 'new', createdAt: at(0) }],
    });
    expect(first.statusCode).toBe(201);
    expect((await referencesOf(first.data.ids))[0]!.reference).toBe('KKKKKK');

    const before = { cases: await count('cases'), events: await count('case_events'), followers: await count('case_collaborators') };
    forced.refs.push('KKKKKK', 'MMMMMM', 'MMMMMM', 'NNNNNN');
    const r = await call(t, o.admin, 'POST', URL, {
      cases: [
        {
          subject: 'Taken before',
          type: 'email',
          teamId: o.teamA,
          status: 'ready',
          ownerId: o.agent.id,
          createdAt: at(1),
          collaboratorIds: [o.agent2.id],
        },
        { subject: 'First of two', type: 'sms', teamId: o.teamA, status: 'new', createdAt: at(2) },
        { subject: 'Second of two', type: 'phone', teamId: o.teamB, status: 'closed', ownerId: o.agentB.id, createdAt: at(3) },
        { subject: 'Free', type: 'email', teamId: o.teamB, status: 'new', createdAt: at(4) },
      ],
    });
    expect(r.statusCode).toBe(201);
    const ids: string[] = r.data.ids;
    expect(ids).toHaveLength(4);
    const refs = new Map((await referencesOf(ids)).map((x) => [x.id, x.reference]));
    expect(refs.size).toBe(4);
    expect([...refs.values()].every((x) => /^[A-Z2-9]{6}$/.test(x) && x !== 'KKKKKK')).toBe(true);
    expect(new Set(refs.values()).size).toBe(4);
    expect(refs.get(ids[1]!)).toBe('MMMMMM'); // the first of two equal draws keeps it
    expect(refs.get(ids[2]!)).not.toBe('MMMMMM');
    expect(refs.get(ids[3]!)).toBe('NNNNNN');
    // every case once, with its history and followers
    expect(await count('cases')).toBe(before.cases + 4);
    expect(await count('case_events')).toBe(before.events + 4);
    expect(await count('case_collaborators')).toBe(before.followers + 1);
    const got = await Promise.all(ids.map((id) => call(t, o.admin, 'GET', `/api/v1/cases/${id}`)));
    expect(got.map((g) => g.data.subject)).toEqual(['Taken before', 'First of two', 'Second of two', 'Free']);
    expect(got[0]!.data).toMatchObject({ ownerId: o.agent.id, collaboratorIds: [o.agent2.id], status: 'ready' });
  });

  it('keeps any text as given: quotes, backslashes, commas, braces, line breaks, the word NULL, empty and missing', async () => {
    const odd = [
      'He said "hi", then {left}',
      'back\\slash \\" and \\\\ twice',
      'NULL',
      'line one\nline two\ttab',
      'émoji 👋 — ünïcödé',
      ' padded ',
    ];
    const r = await call(t, o.admin, 'POST', URL, {
      cases: [
        ...odd.map((s, i) => ({ subject: s, description: s, type: 'email', teamId: o.teamA, status: 'new', createdAt: at(30 + i) })),
        { subject: 'No description', description: null, type: 'email', teamId: o.teamA, status: 'new', createdAt: at(40) },
        { subject: 'Empty description', description: '', type: 'email', teamId: o.teamA, status: 'new', createdAt: at(41) },
      ],
    });
    expect(r.statusCode).toBe(201);
    const ids: string[] = r.data.ids;
    const rows = new Map(
      (
        await sql<{ id: string; subject: string; description: string | null }>`SELECT id::text AS id, subject, description
      FROM cases WHERE id = ANY(${ids}::uuid[])`.execute(t.db.kysely)
      ).rows.map((x) => [x.id, x]),
    );
    expect(ids.map((id) => rows.get(id)!.subject)).toEqual([...odd.slice(0, 5), 'padded', 'No description', 'Empty description']);
    expect(ids.map((id) => rows.get(id)!.description)).toEqual([...odd, null, '']);
  });

  it('names unknown and inactive owners and owners from another team; nothing is written', async () => {
    const inactive = o.agent2.id;
    await sql`UPDATE users SET active = false WHERE id = ${inactive}::uuid`.execute(t.db.kysely);
    try {
      const before = await count('cases');
      const r = await call(t, o.admin, 'POST', URL, {
        cases: [
          { subject: 'Fine', type: 'email', teamId: o.teamA, status: 'ready', ownerId: o.agent.id, createdAt: at(10) },
          {
            subject: 'Unknown owner',
            type: 'email',
            teamId: o.teamA,
            status: 'ready',
            ownerId: '01890000-0000-7000-8000-0000000000aa',
            createdAt: at(11),
          },
          {
            subject: 'Inactive owner',
            type: 'email',
            teamId: o.teamA,
            status: 'waiting',
            ownerId: inactive.toUpperCase(),
            createdAt: at(12),
          },
          { subject: 'Other team', type: 'email', teamId: o.teamB, status: 'ready', ownerId: o.agent.id, createdAt: at(13) },
          { subject: 'Unknown team', type: 'email', teamId: '01890000-0000-7000-8000-0000000000bb', status: 'new', createdAt: at(14) },
          {
            subject: 'Fine follower',
            type: 'email',
            teamId: o.teamB,
            status: 'new',
            createdAt: at(15),
            collaboratorIds: [inactive, o.agent.id],
          },
        ],
      });
      expect(r.statusCode).toBe(400);
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(r.data.fields).toEqual([
        { field: 'cases.1.ownerId', message: 'no such user' },
        { field: 'cases.2.ownerId', message: 'the owner must be an active member of the team' },
        { field: 'cases.3.ownerId', message: 'the owner must be an active member of the team' },
        { field: 'cases.4.teamId', message: 'no such team' },
      ]);
      expect(await count('cases')).toBe(before);
    } finally {
      await sql`UPDATE users SET active = true WHERE id = ${inactive}::uuid`.execute(t.db.kysely);
    }
  });

  it('once committed, an import is announced to the teams and people concerned, and a refused one is not', async () => {
    const listen = async (token: { headers: Record<string, string> }) => {
      const s = openSse(`${base}/api/v1/events`, token.headers);
      streams.push(s);
      expect(await s.status).toBe(200);
      await s.next((e) => e.event === 'ready', 'ready');
      return s;
    };
    const teamA = await listen(o.agent);
    const teamB = await listen(o.agentB);
    const refused = await call(t, o.admin, 'POST', URL, {
      cases: [
        { subject: 'Refused', type: 'email', teamId: o.teamB, status: 'new', createdAt: at(20) },
        { subject: 'Bad', type: 'email', teamId: o.teamB, status: 'new', ownerId: o.agentB.id, createdAt: at(21) },
      ],
    });
    expect(refused.statusCode).toBe(400);
    const r = await call(t, o.admin, 'POST', URL, {
      cases: [{ subject: 'For A', type: 'email', teamId: o.teamA, status: 'new', createdAt: at(22) }],
    });
    expect(r.statusCode).toBe(201);
    const heard = await teamA.next((e) => e.event === 'case.imported', 'case.imported for team A');
    expect(heard.data).toMatchObject({ type: 'case.imported', caseId: null });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(teamB.events.filter((e) => e.event === 'case.imported')).toEqual([]);
  });
});

describe('ids drawn in bulk for an import', () => {
  it('uuidv7Many: one version-7 UUID per time, carrying that time, distinct and in order within a millisecond', async () => {
    const { uuidv7Many } = await import('../ids.ts');
    const times = [Date.UTC(2020, 0, 1), Date.UTC(2020, 0, 1), Date.UTC(2025, 5, 1, 12, 30)];
    const ids = uuidv7Many(times);
    expect(ids).toHaveLength(3);
    ids.forEach((id, i) => {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(times[i]);
    });
    expect(new Set(ids).size).toBe(3);
    expect(ids[0]! < ids[1]!).toBe(true);
    expect(uuidv7Many([])).toEqual([]);
  });
});
