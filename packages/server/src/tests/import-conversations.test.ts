import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, fixedClock, makeTeam, makeUser, sql, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';

const NOW = new Date('2026-03-10T14:00:00Z');
const URL = '/api/v1/import/cases';

describe.each(DB_KINDS)('POST /api/v1/import/cases with conversations and customer ids (%s)', (kind) => {
  let t: TestApp;
  let team: string;
  let admin: TestUser;
  let agent: TestUser;

  beforeAll(async () => {
    t = await startTestApp(kind, { clock: fixedClock(NOW) });
    team = await makeTeam(t.db, 'Support');
    admin = await makeUser(t.db, { role: 'admin', teamIds: [team] });
    agent = await makeUser(t.db, { role: 'agent', teamIds: [team] });
  });
  afterAll(() => t.close());

  const count = async (table: 'cases' | 'customers' | 'messages') =>
    (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(t.db.kysely)).rows[0]!.n;
  const item = (extra: Record<string, unknown>) => ({
    subject: 'Imported',
    type: 'email',
    teamId: team,
    status: 'resolved',
    createdAt: '2025-05-01T08:00:00Z',
    resolvedAt: '2025-05-02T08:00:00Z',
    ...extra,
  });

  it('201: the conversation is stored in order, with authors, notes internal, last activity from the last message', async () => {
    const r = await call(t, admin, 'POST', URL, {
      cases: [
        item({
          customer: { name: 'Ida Berg', email: 'ida@old.example', externalId: 'zd-100' },
          messages: [
            { direction: 'outbound', body: 'Fixed it for you.', authorId: agent.id, createdAt: '2025-05-01T10:00:00Z' },
            { direction: 'inbound', body: 'My <b>printer</b> is broken', createdAt: '2025-05-01T08:00:00Z' },
            { direction: 'note', body: 'Known driver issue', authorId: agent.id.toUpperCase(), createdAt: '2025-05-01T09:00:00Z' },
            { direction: 'inbound', body: 'Thanks!', authorId: null, createdAt: '2025-05-03T07:00:00Z' },
          ],
        }),
        item({ subject: 'Second', customer: { externalId: 'zd-100', email: 'other@old.example' } }),
      ],
    });
    expect(r.statusCode, r.body).toBe(201);
    const [first, second] = r.data.ids as string[];
    const msgs = (await call(t, agent, 'GET', `/api/v1/cases/${first}/messages`)).data.messages;
    expect(
      msgs.map((m: { body: string; direction: string; internal: boolean; authorId: string | null; channel: string }) => [
        m.direction,
        m.internal,
        m.authorId,
        m.channel,
        m.body,
      ]),
    ).toEqual([
      ['inbound', false, null, 'email', 'My <b>printer</b> is broken'],
      ['note', true, agent.id, 'note', 'Known driver issue'],
      ['outbound', false, agent.id, 'email', 'Fixed it for you.'],
      ['inbound', false, null, 'email', 'Thanks!'],
    ]);
    const c1 = (await call(t, agent, 'GET', `/api/v1/cases/${first}`)).data;
    const c2 = (await call(t, agent, 'GET', `/api/v1/cases/${second}`)).data;
    expect(c1.updatedAt).toBe('2025-05-03T07:00:00.000Z');
    expect(c2.customer.id).toBe(c1.customer.id);
    // Imported words are searchable at once, notes included.
    const found = await call(t, agent, 'GET', '/api/v1/cases?q=driver');
    expect(found.data.cases.map((c: { id: string }) => c.id)).toEqual([first]);
    // A later import with the same external id finds the same customer whatever else it says.
    const again = await call(t, admin, 'POST', URL, { cases: [item({ customer: { externalId: 'zd-100', name: 'I. Berg' } })] });
    const c3 = (await call(t, agent, 'GET', `/api/v1/cases/${again.data.ids[0]}`)).data;
    expect(c3.customer.id).toBe(c1.customer.id);
    const ext = await sql<{ external_id: string }>`SELECT external_id FROM customers WHERE id = ${c1.customer.id}::uuid`.execute(
      t.db.kysely,
    );
    expect(ext.rows[0]!.external_id).toBe('zd-100');
  });

  it('201: each case gets the search document and first response the triggers make for the same messages, and later messages still update them', async () => {
    const r = await call(t, admin, 'POST', URL, {
      cases: [
        item({
          subject: 'Tapir invoice',
          description: 'Billing question',
          messages: [
            { direction: 'outbound', body: 'Second reply okapi', authorId: agent.id, createdAt: '2025-05-01T12:00:00Z' },
            { direction: 'inbound', body: 'Where is my invoice', createdAt: '2025-05-01T08:00:00Z' },
            { direction: 'note', body: 'Escalate to finance', authorId: agent.id, createdAt: '2025-05-01T09:00:00Z' },
            { direction: 'outbound', body: 'First reply gecko', authorId: agent.id, createdAt: '2025-05-01T10:00:00Z' },
          ],
        }),
        item({
          subject: 'Only notes',
          messages: [{ direction: 'note', body: 'Quiet wombat', authorId: agent.id, createdAt: '2025-05-01T09:00:00Z' }],
        }),
        item({ subject: 'No conversation', description: null }),
      ],
    });
    expect(r.statusCode, r.body).toBe(201);
    const ids = r.data.ids as string[];
    // The document as migration 017 builds it from the stored rows; the first outbound message's time.
    const rows = await sql<{ id: string; same: boolean; first: Date | null }>`
      SELECT c.id::text AS id, s.doc = (casework_case_doc(c.subject, c.description) || coalesce((
          SELECT casework_messages_doc(string_agg(m.body, ' ' ORDER BY m.created_at, m.id) FILTER (WHERE NOT m.internal),
            string_agg(m.body, ' ' ORDER BY m.created_at, m.id) FILTER (WHERE m.internal))
          FROM messages m WHERE m.case_id = c.id), ''::tsvector)) AS same,
        c.first_response_at AS first
      FROM cases c JOIN case_search s ON s.case_id = c.id
      WHERE c.id = ANY(${ids}::uuid[])`.execute(t.db.kysely);
    const byId = new Map(rows.rows.map((x) => [x.id, x]));
    expect(ids.map((id) => byId.get(id)?.same)).toEqual([true, true, true]);
    expect(ids.map((id) => byId.get(id)?.first?.toISOString() ?? null)).toEqual(['2025-05-01T10:00:00.000Z', null, null]);
    for (const [q, expected] of [
      ['gecko', [ids[0]]],
      ['finance', [ids[0]]],
      ['wombat', [ids[1]]],
      ['conversation', [ids[2]]],
    ] as const) {
      const found = await call(t, agent, 'GET', `/api/v1/cases?q=${q}`);
      expect(
        found.data.cases.map((c: { id: string }) => c.id),
        q,
      ).toEqual(expected);
    }
    // Outside an import the triggers work as before: a reply is searchable and is the first response.
    const open = await call(t, admin, 'POST', URL, {
      cases: [item({ subject: 'Open one', status: 'ready', ownerId: agent.id, resolvedAt: null })],
    });
    const openId = open.data.ids[0] as string;
    const sent = await call(t, agent, 'POST', `/api/v1/cases/${openId}/messages`, { body: 'Answered with a narwhal', internal: true });
    expect(sent.statusCode, sent.body).toBe(201);
    expect((await call(t, agent, 'GET', '/api/v1/cases?q=narwhal')).data.cases.map((c: { id: string }) => c.id)).toEqual([openId]);
  });

  it('400 naming each bad message by case and message index; nothing is written', async () => {
    const before = [await count('cases'), await count('messages'), await count('customers')];
    const ok = { direction: 'inbound', body: 'fine', createdAt: '2025-05-01T09:00:00Z' };
    const r = await call(t, admin, 'POST', URL, {
      cases: [
        item({ customer: { externalId: 'zd-new' }, messages: [ok] }),
        item({ messages: [ok, { ...ok, body: '   ' }] }),
        item({ messages: [{ ...ok, createdAt: '2025-04-30T00:00:00Z' }] }),
        item({ messages: [{ ...ok, authorId: agent.id }] }),
        item({ messages: [{ ...ok, direction: 'outbound', authorId: '01890000-0000-7000-8000-000000000009' }] }),
      ],
    });
    expect(r.statusCode).toBe(400);
    expect(r.data.code).toBe('validation_failed');
    expect(r.data.fields.map((f: { field: string }) => f.field).sort()).toEqual([
      'cases.1.messages.1.body',
      'cases.2.messages.0.createdAt',
      'cases.3.messages.0.authorId',
      'cases.4.messages.0.authorId',
    ]);
    expect([await count('cases'), await count('messages'), await count('customers')]).toEqual(before);
  });

  it('400 for schema errors inside a message (unknown direction, missing body, bad time, unknown key)', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ direction: 'sideways', body: 'x', createdAt: '2025-05-01T09:00:00Z' }, /^cases\.0\.messages\.0\.direction/],
      [{ direction: 'inbound', createdAt: '2025-05-01T09:00:00Z' }, /^cases\.0\.messages\.0/],
      [{ direction: 'inbound', body: 'x', createdAt: 'yesterday' }, /^cases\.0\.messages\.0\.createdAt/],
      [{ direction: 'inbound', body: 'x', createdAt: '2025-05-01T09:00:00Z', internal: true }, /^cases\.0\.messages\.0/],
    ];
    for (const [message, field] of cases) {
      const r = await call(t, admin, 'POST', URL, { cases: [item({ messages: [message] })] });
      expect(r.statusCode, JSON.stringify(message)).toBe(400);
      expect(r.data.fields[0].field).toMatch(field);
    }
    const notList = await call(t, admin, 'POST', URL, { cases: [item({ messages: 'hello' })] });
    expect([notList.statusCode, notList.data.fields[0].field]).toEqual([400, 'cases.0.messages']);
    const blankId = await call(t, admin, 'POST', URL, { cases: [item({ customer: { externalId: '' } })] });
    expect([blankId.statusCode, blankId.data.fields[0].field]).toEqual([400, 'cases.0.customer.externalId']);
  });
});
