import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { TYPE_RANK } from '@casework/domain';
import { DB_KINDS, call, fixedClock, makeTeam, makeUser, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { expectProblem, seedCase } from '../test-support/case-fixtures.ts';
import { EXPORT_BATCH } from '../http/case-export.ts';

/** RFC 4180 records (quoted cells with doubled quotes, CRLF line ends). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted && ch === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (quoted) {
      if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell || row.length) throw new Error('the file does not end with CRLF');
  return rows;
}

const COLUMNS = [
  'reference',
  'id',
  'subject',
  'status',
  'type',
  'team',
  'owner',
  'customer_name',
  'customer_email',
  'created',
  'updated',
  'priority',
  'tags',
];

describe.each(DB_KINDS)('GET /api/v1/cases/export.csv (%s)', (kind) => {
  let t: TestApp;
  let x: string, y: string;
  let admin: TestUser, agent: TestUser;
  let tricky: string, gold: string, hidden: string;

  beforeAll(async () => {
    t = await startTestApp(kind, { clock: fixedClock(new Date('2026-03-12T15:00:00Z')) });
    [x, y] = [await makeTeam(t.db, 'Billing'), await makeTeam(t.db, 'Shipping')];
    admin = await makeUser(t.db, { role: 'admin', timeZone: 'UTC' });
    agent = await makeUser(t.db, { role: 'agent', teamIds: [x], timeZone: 'America/New_York', name: 'Nia Agent' });
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
        { key: 'seats', label: 'Seats', type: 'number', options: null, required: false, team_ids: null, created_at: now, updated_at: now },
      ])
      .execute();
    tricky = await seedCase(t.db, {
      teamId: x,
      ownerId: agent.id,
      subject: '=HYPERLINK("http://evil.test","Refund, now")',
      customer: { name: '@Mallory "M"\nSmith', email: 'mallory@example.test' },
      createdAt: new Date('2026-03-10T15:00:00Z'), // 11:00 in New York (daylight time since the 8th)
      updatedAt: new Date('2026-03-11T16:30:05Z'),
    });
    gold = await seedCase(t.db, {
      teamId: x,
      status: 'resolved',
      subject: 'Gold plan invoice',
      createdAt: new Date('2026-03-09T09:00:00Z'),
    });
    await t.db.kysely
      .updateTable('cases')
      .set({ fields: JSON.stringify({ plan: 'gold', seats: 12 }) })
      .where('id', '=', gold)
      .execute();
    hidden = await seedCase(t.db, { teamId: y, subject: 'Another team', createdAt: new Date('2026-03-08T09:00:00Z') });
  });
  afterAll(() => t.close());

  const csv = async (user: TestUser, query = '') => {
    const r = await call(t, user, 'GET', `/api/v1/cases/export.csv${query ? `?${query}` : ''}`);
    expect(r.statusCode, r.body).toBe(200);
    return { res: r, rows: parseCsv(r.body) };
  };

  it('answers text/csv as an attachment, a header row starting reference,id, then one column per custom field', async () => {
    const { res, rows } = await csv(admin);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="cases-2026-03-12.csv"');
    expect(rows[0]).toEqual([...COLUMNS, 'Plan', 'Seats']);
    expect(rows.slice(1).map((r) => r[1])).toEqual([tricky, gold, hidden]);
    const g = rows.find((r) => r[1] === gold)!;
    expect(g.slice(2, 7)).toEqual(['Gold plan invoice', 'resolved', 'email', 'Billing', '']);
    expect(g.slice(-2)).toEqual(['gold', '12']);
    expect(g.slice(11, 13)).toEqual(['normal', '']); // priority and tags
  });

  it("escapes commas, quotes and line breaks, guards formulas, and writes times in the viewer's zone", async () => {
    const { res, rows } = await csv(agent);
    const r = rows.find((row) => row[1] === tricky)!;
    expect(r[2]).toBe(`'=HYPERLINK("http://evil.test","Refund, now")`);
    expect(r[6]).toBe('Nia Agent');
    expect(r[7]).toBe(`'@Mallory "M"\nSmith`);
    expect(r[8]).toBe('mallory@example.test');
    expect(r.slice(9, 11)).toEqual(['2026-03-10 11:00:00', '2026-03-11 12:30:05']);
    expect(res.body).toContain(`"'=HYPERLINK(""http://evil.test"",""Refund, now"")"`);
  });

  it('writes the same line for a case whichever way the export reads it (its own rows, or the list by priority)', async () => {
    await t.db.kysely
      .updateTable('cases')
      .set({ tags: ['vip', '=sum', 'a,b'], priority: 3, fields: JSON.stringify({ plan: 'silver', seats: 1.5e-7 }) })
      .where('id', '=', tricky)
      .execute();
    const byId = (rows: string[][]) => rows.slice(1).sort((a, b) => a[1]!.localeCompare(b[1]!));
    for (const viewer of [admin, agent]) {
      const own = byId((await csv(viewer)).rows);
      expect(own.find((r) => r[1] === tricky)!.slice(11)).toEqual(['urgent', 'vip; =sum; a,b', 'silver', '1.5e-7']);
      expect(own).toEqual(byId((await csv(viewer, 'sort=priority')).rows));
    }
  });

  it('takes the Cases list filters and its visibility', async () => {
    expect((await csv(agent)).rows.slice(1).map((r) => r[1])).toEqual([tricky, gold]); // not the other team's case
    expect((await csv(admin, 'status=resolved')).rows.slice(1).map((r) => r[1])).toEqual([gold]);
    expect((await csv(admin, `teamId=${y}`)).rows.slice(1).map((r) => r[1])).toEqual([hidden]);
    expect((await csv(admin, 'field.plan=gold')).rows.slice(1).map((r) => r[1])).toEqual([gold]);
    expect((await csv(admin, 'ownerId=me')).rows).toEqual([[...COLUMNS, 'Plan', 'Seats']]);
    expect((await csv(admin, 'createdTo=2026-03-08&sort=updated')).rows.slice(1).map((r) => r[1])).toEqual([hidden]);
    expect((await csv(agent, `teamId=${y}`)).rows.length).toBe(1);
  });

  it('refuses bad filters as the list does, before writing anything', async () => {
    const r = await call(t, admin, 'GET', '/api/v1/cases/export.csv?status=lost');
    expect(expectProblem(r, 400, 'validation_failed').fields).toEqual([{ field: 'status', message: 'unknown status' }]);
    const f = await call(t, admin, 'GET', '/api/v1/cases/export.csv?field.nope=1');
    expect(f.statusCode).toBe(400);
    expect((await call(t, null, 'GET', '/api/v1/cases/export.csv')).statusCode).toBe(401);
  });

  it('exports every matching case across many keyset pages, each once', async () => {
    const n = EXPORT_BATCH * 2 + 137;
    const base = new Date('2026-01-01T00:00:00Z');
    await sql`INSERT INTO cases (id, reference, subject, type, type_rank, status, team_id, created_at, updated_at, last_activity_at)
      SELECT gen_random_uuid(), 'BULK' || lpad(g::text, 6, '0'), 'Bulk ' || g, 'email', ${TYPE_RANK.email}, 'new', ${y}::uuid,
        ${base}::timestamptz + (g % 50) * interval '1 minute', ${base}, ${base}
      FROM generate_series(1, ${n}) g`.execute(t.db.kysely);
    const { rows } = await csv(admin, `teamId=${y}&q=bulk`);
    expect(rows.length).toBe(n + 1);
    const all = await csv(admin, `teamId=${y}`);
    const ids = all.rows.slice(1).map((r) => r[1]);
    expect(ids.length).toBe(n + 1);
    expect(new Set(ids).size).toBe(n + 1);
  });
});
