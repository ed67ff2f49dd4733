import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastMessageOf, messagePreview, PREVIEW_MAX } from '@casework/domain';
import { DB_KINDS, call, sql, startTestApp, type TestApp } from '../test-support/harness.ts';
import { makeOrg, seedCase, type Org } from '../test-support/case-fixtures.ts';
import { messagePreviewSql } from '../db/sql-rules.ts';
import { MIGRATIONS } from '../db/migrations/index.ts';
import { uuidv7 } from '../ids.ts';

const BODIES = [
  'Hello there',
  '  Hello there  ',
  '\n\n  \nSecond line first\nthird',
  'First\r\nSecond',
  '\t\tTabbed\t',
  'Ünïcödé 😀 emoji',
  'x'.repeat(PREVIEW_MAX + 20),
  `${'😀'.repeat(PREVIEW_MAX)}tail`,
  '   ',
  ' \n \t\n',
  'a\u00a0b\u00a0',
  "It's \\n not a break; 'quotes' and \\\\ stay",
];

/** The migration's backfill statement, as frozen in 021. */
const backfill = (() => {
  const up = MIGRATIONS.find((m) => m.name === '021-canned-replies')!.up;
  const m = /UPDATE cases c SET last_message_preview[\s\S]*?;/.exec(up);
  if (!m) throw new Error('021 has no backfill statement');
  return m[0];
})();

type Card = { preview: string; fromCustomer: boolean; authorName: string | null; at: string } | null;

describe.each(DB_KINDS)('the last message on cards (%s)', (kind) => {
  let t: TestApp;
  let o: Org;

  beforeAll(async () => {
    t = await startTestApp(kind);
    o = await makeOrg(t);
  });
  afterAll(() => t.close());

  it("previews a body in SQL exactly as the domain's messagePreview does", async () => {
    for (const body of BODIES) {
      const r = await sql<{ p: string }>`SELECT ${sql.raw(messagePreviewSql('b.body'))} AS p FROM (SELECT ${body}::text AS body) b`.execute(
        t.db.kysely,
      );
      expect(r.rows[0]!.p, JSON.stringify(body)).toBe(messagePreview(body));
    }
    expect(backfill).toContain(messagePreviewSql('m.body'));
  });

  it("the migration's backfill agrees with lastMessageOf on every kind of conversation", async () => {
    const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 10, minute));
    const conversations: { direction: 'inbound' | 'outbound' | 'note'; body: string; minute: number }[][] = [
      [],
      [{ direction: 'note', body: 'Only a note', minute: 1 }],
      [{ direction: 'inbound', body: '  Where is it?\nSecond line', minute: 1 }],
      [
        { direction: 'inbound', body: 'Question', minute: 1 },
        { direction: 'outbound', body: 'Answer\nmore', minute: 2 },
        { direction: 'note', body: 'A later note', minute: 3 },
      ],
      [
        { direction: 'outbound', body: 'We wrote first', minute: 1 },
        { direction: 'inbound', body: BODIES[6]!, minute: 4 },
      ],
    ];
    const ids: string[] = [];
    for (const conversation of conversations) {
      const id = await seedCase(t.db, { teamId: o.teamA, createdAt: at(0) });
      ids.push(id);
      for (const m of conversation)
        await t.db.kysely
          .insertInto('messages')
          .values({
            id: uuidv7(at(m.minute).getTime()),
            case_id: id,
            body: m.body,
            internal: m.direction === 'note',
            direction: m.direction,
            channel: m.direction === 'note' ? 'note' : 'email',
            author_id: m.direction === 'inbound' ? null : o.agent.id,
            created_at: at(m.minute),
          })
          .execute();
    }
    await sql.raw(backfill).execute(t.db.kysely);
    const rows = await t.db.kysely
      .selectFrom('cases')
      .select(['id', 'last_message_preview', 'last_message_from_customer', 'last_message_author_id', 'last_message_at'])
      .where('id', 'in', ids)
      .execute();
    conversations.forEach((conversation, i) => {
      const row = rows.find((r) => r.id === ids[i])!;
      const expected = lastMessageOf(
        conversation.map((m) => ({
          body: m.body,
          direction: m.direction,
          internal: m.direction === 'note',
          authorId: m.direction === 'inbound' ? null : o.agent.id,
          createdAt: at(m.minute),
        })),
      );
      expect(
        row.last_message_preview === null
          ? null
          : {
              preview: row.last_message_preview,
              fromCustomer: row.last_message_from_customer,
              authorId: row.last_message_author_id,
              at: new Date(row.last_message_at!),
            },
        `conversation ${i}`,
      ).toEqual(expected);
    });
  });

  it('a reply, a note and a customer message keep the card current on the case, the Cases list and My Work', async () => {
    const web = await call(t, o.admin, 'POST', '/api/v1/channels', { type: 'web_connect', name: 'Site chat', teamId: o.teamA });
    expect(web.statusCode, web.body).toBe(201);
    const start = await t.app.inject({
      method: 'POST',
      url: '/api/v1/chat/sessions',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        channelKey: web.data.publicKey,
        name: 'Carla Kunde',
        email: 'carla@cust.test',
        message: 'Where is my parcel?\nOrder 42',
      }),
    });
    expect(start.statusCode, start.body).toBe(201);
    const { id: session, token, caseId } = start.json();
    const card = async (): Promise<{ one: Card; listed: Card; mine: Card }> => {
      const one = (await call(t, o.agent, 'GET', `/api/v1/cases/${caseId}`)).data.lastMessage;
      const listed = (await call(t, o.agent, 'GET', '/api/v1/cases?limit=100')).data.cases.find(
        (c: { id: string }) => c.id === caseId,
      )?.lastMessage;
      const work = (await call(t, o.agent, 'GET', '/api/v1/me/work')).data;
      const all = [work.next?.case, ...work.sections.flatMap((s: { cases: unknown[] }) => s.cases)].filter(Boolean);
      const mine = all.find((c: { id: string }) => c.id === caseId)?.lastMessage;
      return { one, listed, mine };
    };
    const same = (c: { one: Card; listed: Card; mine: Card }) => {
      expect(c.listed).toEqual(c.one);
      expect(c.mine).toEqual(c.one);
      return c.one;
    };

    expect(same(await card())).toMatchObject({ preview: 'Where is my parcel?', fromCustomer: true, authorName: 'Carla Kunde' });
    expect((await call(t, o.agent, 'POST', `/api/v1/cases/${caseId}/claim`, {})).statusCode).toBe(200);
    const reply = await call(t, o.agent, 'POST', `/api/v1/cases/${caseId}/messages`, { body: '\nIt left our depot today.\nRegards' });
    expect(reply.statusCode, reply.body).toBe(201);
    expect(same(await card())).toMatchObject({ preview: 'It left our depot today.', fromCustomer: false, authorName: 'Alice Agent' });
    await call(t, o.agent, 'POST', `/api/v1/cases/${caseId}/messages`, { body: 'Checked with the courier', internal: true });
    expect(same(await card())).toMatchObject({ preview: 'It left our depot today.', fromCustomer: false });
    const sent = await t.app.inject({
      method: 'POST',
      url: `/api/v1/chat/sessions/${session}/messages`,
      headers: { 'content-type': 'application/json', 'x-chat-token': token },
      payload: JSON.stringify({ body: 'Thanks! And the invoice?' }),
    });
    expect(sent.statusCode, sent.body).toBe(201);
    expect(same(await card())).toMatchObject({ preview: 'Thanks! And the invoice?', fromCustomer: true, authorName: 'Carla Kunde' });
  });

  it('an import sets the card from the conversation; a case without messages has none', async () => {
    const r = await call(t, o.admin, 'POST', '/api/v1/import/cases', {
      cases: [
        {
          subject: 'Imported',
          type: 'email',
          teamId: o.teamA,
          status: 'new',
          createdAt: '2026-01-01T10:00:00Z',
          customer: { name: 'Ivo Import', email: 'ivo@example.com' },
          messages: [
            { direction: 'inbound', body: 'First question', createdAt: '2026-01-01T10:00:00Z' },
            { direction: 'outbound', body: 'Our answer', authorId: o.agent.id, createdAt: '2026-01-01T11:00:00Z' },
            { direction: 'inbound', body: 'Follow-up\nwith details', createdAt: '2026-01-01T12:00:00Z' },
            { direction: 'note', body: 'Internal', authorId: o.agent.id, createdAt: '2026-01-01T13:00:00Z' },
          ],
        },
        { subject: 'Quiet', type: 'email', teamId: o.teamA, status: 'new', createdAt: '2026-01-01T10:00:00Z' },
      ],
    });
    expect(r.statusCode, r.body).toBe(201);
    const [imported, quiet] = r.data.ids as string[];
    expect((await call(t, o.agent, 'GET', `/api/v1/cases/${imported}`)).data.lastMessage).toEqual({
      preview: 'Follow-up',
      fromCustomer: true,
      authorName: 'Ivo Import',
      at: '2026-01-01T12:00:00.000Z',
    });
    expect((await call(t, o.agent, 'GET', `/api/v1/cases/${quiet}`)).data.lastMessage).toBeNull();
  });
});
