import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell, PRIORITIES, DEFAULT_PRIORITY, priorityOfRank } from '@casework/domain';
import { DB_KINDS, sql, startTestApp, type TestApp } from '../test-support/harness.ts';
import { csvFieldSql, csvTextSql, priorityNameSql } from '../db/csv-sql.ts';
import { flat } from '../http/case-export.ts';

/** Text cells: formula starts, every character that forces quoting, both together, nothing at all. */
const TEXTS: (string | null)[] = [
  null,
  '',
  'plain',
  'Ünïcødé ✓ 日本',
  '=SUM(A1:A2)',
  '+1 555 0100',
  '-5',
  '@handle',
  '\tTAB',
  '\rCR first',
  'say "hi"',
  'a,b',
  'two\nlines',
  'crlf\r\nend',
  '=HYPERLINK("x","y")',
  '-a,"b"',
  ' =not first',
  "'quoted already",
  '"',
  ',',
];

/** Custom field values of every FieldValue kind, numbers on both sides of where JavaScript switches to exponents. */
const VALUES: unknown[] = [
  null,
  'gold',
  '=cmd',
  'x, y',
  0,
  7,
  -3,
  1.5,
  -0.25,
  123456.789,
  0.000001,
  0.0000015,
  1e-7,
  -1.5e-7,
  1.2345e-12,
  1e20,
  123456789012345680000,
  1e21,
  -1e21,
  1.2345678901234566e25,
  5e-324,
  1.7976931348623157e308,
  true,
  false,
  [],
  ['one'],
  ['a', 'b'],
  ['=x', 'y,z'],
  ['-1', 'say "hi"'],
];

describe.each(DB_KINDS)('CSV cells written by the database are the domain’s csvCell (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(() => t.close());

  it.each(TEXTS.map((v) => [JSON.stringify(v), v] as const))('text %s', async (_, v) => {
    const r = await sql<{ cell: string }>`SELECT ${csvTextSql(sql`${v}::text`)} AS cell`.execute(t.db.kysely);
    expect(r.rows[0]!.cell).toBe(csvCell(v));
  });

  it.each(VALUES.map((v) => [JSON.stringify(v), v] as const))('field value %s', async (_, v) => {
    const fields = v === null ? {} : { k: v };
    const r = await sql<{ cell: string }>`SELECT ${csvFieldSql(sql`${JSON.stringify(fields)}::jsonb`, 'k')} AS cell`.execute(t.db.kysely);
    expect(r.rows[0]!.cell).toBe(csvCell(flat(v)));
  });

  it('a field set to JSON null is an empty cell, as unset', async () => {
    const r = await sql<{ cell: string }>`SELECT ${csvFieldSql(sql`'{"k": null}'::jsonb`, 'k')} AS cell`.execute(t.db.kysely);
    expect(r.rows[0]!.cell).toBe(csvCell(flat(null)));
  });

  it('priority names by rank, the default for any other rank', async () => {
    const ranks = [...PRIORITIES.keys(), -1, PRIORITIES.length];
    for (const rank of ranks) {
      const r = await sql<{ name: string }>`SELECT ${priorityNameSql(sql`${rank}::smallint`)} AS name`.execute(t.db.kysely);
      expect(r.rows[0]!.name, `rank ${rank}`).toBe(priorityOfRank(rank) ?? DEFAULT_PRIORITY);
    }
  });
});
