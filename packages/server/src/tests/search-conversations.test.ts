import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, fixedClock, makeTeam, makeUser, sql, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';

const NOW = new Date('2026-03-10T14:00:00Z');
type Match = { in: string; snippet: string; highlights: { start: number; length: number }[]; messageId?: string };
type Listed = { id: string; subject: string; match?: Match };

const marked = (m: Match) => m.highlights.map((h) => m.snippet.slice(h.start, h.start + h.length).toLowerCase());

describe.each(DB_KINDS)('search over conversations (%s)', (kind) => {
  let t: TestApp;
  let teamA: string, teamB: string;
  let admin: TestUser, agentA: TestUser, agentB: TestUser, viewerA: TestUser;
  const id: Record<string, string> = {};

  const search = async (user: TestUser, query: string) => {
    const r = await call(t, user, 'GET', `/api/v1/cases?${query}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.data as { cases: Listed[]; total: number; nextCursor: string | null };
  };

  beforeAll(async () => {
    t = await startTestApp(kind, { clock: fixedClock(NOW) });
    [teamA, teamB] = [await makeTeam(t.db, 'A'), await makeTeam(t.db, 'B')];
    admin = await makeUser(t.db, { role: 'admin', teamIds: [] });
    agentA = await makeUser(t.db, { role: 'agent', teamIds: [teamA] });
    agentB = await makeUser(t.db, { role: 'agent', teamIds: [teamB] });
    viewerA = await makeUser(t.db, { role: 'viewer', teamIds: [teamA] });
    const at = (d: number) => new Date(Date.UTC(2026, 2, d, 9)).toISOString();
    const cases = [
      {
        key: 'printer',
        subject: 'Printer offline',
        teamId: teamA,
        createdAt: at(1),
        messages: [
          {
            direction: 'inbound',
            body: 'Invoice Zebra-4411: the <b>alert</b> <img src=x onerror=alert(2)> payment failed',
            createdAt: at(1),
          },
          { direction: 'outbound', body: 'We refunded the payment yesterday.', authorId: agentA.id, createdAt: at(2) },
          { direction: 'note', body: 'Customer mentioned a quokka twice', authorId: agentA.id, createdAt: at(2) },
        ],
      },
      {
        key: 'secret',
        subject: 'Login problem',
        teamId: teamB,
        createdAt: at(2),
        messages: [
          { direction: 'inbound', body: 'A quokka ate my password', createdAt: at(2) },
          { direction: 'note', body: 'Internal: marmot procedure applies', createdAt: at(3) },
        ],
      },
      { key: 'subject', subject: 'Quokka sighting report', teamId: teamA, createdAt: at(3) },
      {
        key: 'followed',
        subject: 'Shipping',
        teamId: teamB,
        createdAt: at(4),
        collaboratorIds: [agentA.id],
        messages: [{ direction: 'inbound', body: 'Where is my pangolin plush? odd \u0002marker\u0003 text', createdAt: at(4) }],
      },
    ];
    const r = await call(t, admin, 'POST', '/api/v1/import/cases', {
      cases: cases.map(({ key: _key, ...c }) => ({ type: 'email', status: 'ready', ...c })),
    });
    expect(r.statusCode, r.body).toBe(201);
    cases.forEach((c, i) => {
      id[c.key] = r.data.ids[i];
    });
  });
  afterAll(() => t.close());

  it('matches words of public messages, with the match marked in a plain-text snippet', async () => {
    const r = await search(agentA, 'q=refunded');
    expect(r.cases.map((c) => c.id)).toEqual([id.printer]);
    expect(r.total).toBe(1);
    const m = r.cases[0]!.match!;
    expect(m).toMatchObject({ in: 'message' });
    expect(m.snippet).toContain('We refunded the payment');
    expect(marked(m)).toEqual(['refunded']);
    const messages = await call(t, agentA, 'GET', `/api/v1/cases/${id.printer}/messages`);
    expect(messages.data.messages.find((x: { id: string }) => x.id === m.messageId).body).toContain('refunded');
  });

  it('words as prefixes, every word required, any case', async () => {
    expect((await search(agentA, 'q=REFUND')).cases.map((c) => c.id)).toEqual([id.printer]);
    expect((await search(agentA, 'q=payment%20failed')).total).toBe(1);
    expect((await search(agentA, 'q=payment%20nowhere')).total).toBe(0);
  });

  it('internal notes match for users (agents, viewers, their API tokens), marked as a note', async () => {
    for (const user of [agentA, viewerA]) {
      const r = await search(user, 'q=quokka&sort=created');
      expect(r.cases.map((c) => c.id)).toEqual([id.subject, id.printer]);
      expect(r.cases[1]!.match).toMatchObject({ in: 'note' });
    }
    const b = await search(agentB, 'q=marmot');
    expect(b.cases.map((c) => c.id)).toEqual([id.secret]);
    expect(b.cases[0]!.match).toMatchObject({ in: 'note' });
  });

  it('never returns or counts a case the user may not see; a followed case elsewhere is found', async () => {
    expect(await search(agentA, 'q=marmot')).toMatchObject({ cases: [], total: 0 });
    expect(await search(viewerA, 'q=password')).toMatchObject({ cases: [], total: 0 });
    expect((await search(agentA, 'q=quokka')).total).toBe(2);
    expect((await search(admin, 'q=quokka')).total).toBe(3);
    expect((await search(agentA, `q=quokka&teamId=${teamB}`)).total).toBe(0);
    expect((await search(agentA, 'q=pangolin')).cases.map((c) => c.id)).toEqual([id.followed]);
    expect((await search(viewerA, 'q=pangolin')).total).toBe(0);
  });

  it('ranks a subject above a note by default; sort=created orders by time', async () => {
    const ranked = await search(admin, 'q=quokka');
    expect(ranked.cases[0]!.id).toBe(id.subject);
    expect(ranked.cases[0]!.match).toMatchObject({ in: 'subject' });
    const byTime = await search(admin, 'q=quokka&sort=created');
    expect(byTime.cases.map((c) => c.id)).toEqual([id.subject, id.secret, id.printer]);
  });

  it('pages by relevance with a cursor; a cursor of another order is refused', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 5; i++) {
      const r = await search(admin, `q=quokka&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.total).toBe(3);
      seen.push(...r.cases.map((c) => c.id));
      cursor = r.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toHaveLength(3);
    expect(new Set(seen)).toEqual(new Set([id.subject, id.secret, id.printer]));
    const first = await search(admin, 'q=quokka&limit=1');
    const mixed = await call(t, admin, 'GET', `/api/v1/cases?q=quokka&sort=created&cursor=${first.nextCursor}`);
    expect([mixed.statusCode, mixed.data.fields?.[0]?.field]).toEqual([400, 'cursor']);
  });

  it('snippets are plain text: markup stays text, marker characters from a message never mark anything', async () => {
    const r = await search(agentA, 'q=alert');
    const m = r.cases[0]!.match!;
    expect(m.snippet).toContain('<img src=x onerror=alert(2)>');
    expect(marked(m)).toEqual(['alert', 'alert']);
    const odd = (await search(agentA, 'q=pangolin')).cases[0]!.match!;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the snippet's marker characters are what the test looks for
    expect(odd.snippet).not.toMatch(/[\u0002\u0003]/);
    expect(odd.snippet).toContain('odd marker text');
    expect(marked(odd)).toEqual(['pangolin']);
  });

  it('reference, customer and odd input still search; quoting keeps operators harmless', async () => {
    const ref = (await call(t, admin, 'GET', `/api/v1/cases/${id.secret}`)).data.reference as string;
    const r = await search(admin, `q=${ref.toLowerCase()}`);
    expect(r.cases.map((c) => c.id)).toEqual([id.secret]);
    expect(r.cases[0]!.match).toMatchObject({ in: 'reference', snippet: ref });
    for (const q of ['-', "quokka'", 'quokka & | ! :* (', '\\', 'a', "'';--"]) {
      const x = await call(t, admin, 'GET', `/api/v1/cases?q=${encodeURIComponent(q)}`);
      expect(x.statusCode, q).toBe(200);
    }
    expect((await search(admin, `q=${encodeURIComponent("quokka'")}`)).total).toBe(3);
  });

  it('follows every writer: a new note is found at once, a team change moves the case out of view', async () => {
    const posted = await call(t, agentA, 'POST', `/api/v1/cases/${id.printer}/messages`, {
      body: 'Escalated to the wombat desk',
      internal: true,
    });
    expect(posted.statusCode, posted.body).toBe(201);
    expect((await search(agentA, 'q=wombat')).cases.map((c) => c.id)).toEqual([id.printer]);
    const moved = await call(t, admin, 'POST', `/api/v1/cases/${id.subject}/assign`, { teamId: teamB });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((await search(agentA, 'q=sighting')).total).toBe(0);
    expect((await search(agentB, 'q=sighting')).cases.map((c) => c.id)).toEqual([id.subject]);
    const rows = await sql<{ n: number }>`SELECT count(*)::int AS n FROM case_search s JOIN cases c ON c.id = s.case_id
      WHERE s.team_id <> c.team_id`.execute(t.db.kysely);
    expect(rows.rows[0]!.n).toBe(0);
  });

  it('a conversation too large to index whole still stores every message; its earlier words stay searchable', async () => {
    // ~1.3 MB of distinct words: beyond PostgreSQL's 1 MB of lexemes in one document.
    for (let k = 0; k < 30; k++) {
      const body = Array.from({ length: 5000 }, (_, i) => `w${k}x${i}q`).join(' ');
      await sql`INSERT INTO messages (id, case_id, body, internal, direction, channel, created_at)
        VALUES (gen_random_uuid(), ${id.printer}::uuid, ${body}, false, 'inbound', 'email', now())`.execute(t.db.kysely);
    }
    const posted = await call(t, agentA, 'POST', `/api/v1/cases/${id.printer}/messages`, { body: 'After the limit: capybara' });
    expect(posted.statusCode, posted.body).toBe(201);
    const stored = await sql<{ n: number }>`SELECT count(*)::int AS n FROM messages WHERE case_id = ${id.printer}::uuid`.execute(
      t.db.kysely,
    );
    expect(stored.rows[0]!.n).toBeGreaterThanOrEqual(34);
    expect((await search(agentA, 'q=refunded')).cases.map((c) => c.id)).toEqual([id.printer]);
    expect((await search(agentA, 'q=w0x1q')).cases.map((c) => c.id)).toEqual([id.printer]);
  });
});
