import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, sql, startTestApp, type TestApp } from '../test-support/harness.ts';
import { readByCursor } from '../db/cursor.ts';

/** Sessions of this test's database still inside a transaction (a cursor not let go). */
async function inTransaction(t: TestApp): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'`.execute(t.db.kysely);
  return r.rows[0]!.n;
}

describe.skipIf(!DB_KINDS.includes('postgres'))('reading a query through a cursor (postgres)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('postgres');
    await sql`CREATE SEQUENCE cursor_probe`.execute(t.db.kysely);
  });
  afterAll(() => t.close());

  it('yields every row once, in the query’s order, in batches of the size asked', async () => {
    const sizes: number[] = [];
    const seen: number[] = [];
    for await (const rows of readByCursor(
      t.db.kysely,
      sql<{ g: number }>`SELECT g FROM generate_series(1, 2501) g ORDER BY g DESC`,
      1000,
    )) {
      sizes.push(rows.length);
      seen.push(...rows.map((r) => r.g));
    }
    expect(sizes).toEqual([1000, 1000, 501]);
    expect(seen).toEqual(Array.from({ length: 2501 }, (_, i) => 2501 - i));
    expect(await inTransaction(t)).toBe(0);
  });

  it('ends with one empty read when the rows fill the last batch exactly, and with none for no rows', async () => {
    const count = async (n: number) => {
      const sizes: number[] = [];
      for await (const rows of readByCursor(t.db.kysely, sql`SELECT g FROM generate_series(1, ${n}::int) g`, 100)) sizes.push(rows.length);
      return sizes;
    };
    expect(await count(200)).toEqual([100, 100]);
    expect(await count(0)).toEqual([]);
  });

  it('reads no more than two batches ahead of a reader that has not asked, and lets the connection go when it stops', async () => {
    const batches = readByCursor(
      t.db.kysely,
      sql<{ n: number }>`SELECT nextval('cursor_probe')::int AS n FROM generate_series(1, 100000)`,
      100,
    );
    const first = await batches.next();
    expect(first.value).toHaveLength(100);
    // The reader takes its time over the first batch; the cursor may fill its two places meanwhile, no more.
    await new Promise((r) => setTimeout(r, 300));
    const produced = await sql<{ n: number }>`SELECT last_value::int AS n FROM cursor_probe`.execute(t.db.kysely);
    expect(produced.rows[0]!.n).toBeLessThanOrEqual(400);
    await batches.return(undefined);
    expect(await inTransaction(t)).toBe(0);
    // The pool is whole: as many statements at once as it has connections still run.
    await Promise.all(Array.from({ length: 10 }, () => sql`SELECT 1`.execute(t.db.kysely)));
  });

  it('hands the reader the database’s error after the batches read before it, and ends the transaction', async () => {
    const seen: number[] = [];
    const read = async () => {
      for await (const rows of readByCursor(
        t.db.kysely,
        sql<{ x: number }>`SELECT 10 / (250 - g) AS x FROM generate_series(1, 300) g`,
        100,
      )) {
        seen.push(rows.length);
      }
    };
    await expect(read()).rejects.toThrow(/division by zero/);
    expect(seen).toEqual([100, 100]);
    expect(await inTransaction(t)).toBe(0);
  });
});
