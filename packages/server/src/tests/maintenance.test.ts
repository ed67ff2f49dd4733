import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { DB_KINDS, makeTeam, startTestApp, type TestApp } from '../test-support/harness.ts';
import { seedCase } from '../test-support/case-fixtures.ts';
import { analyzeNeverAnalyzed, needsOwnMaintenance, vacuumBusyTables } from '../jobs/maintenance.ts';

describe.each(DB_KINDS)('database maintenance for the embedded database (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(() => t.close());

  it('before serving, busy tables never analysed get statistics where the database does not maintain itself', async () => {
    const team = await makeTeam(t.db, 'Fresh');
    await sql`ANALYZE teams`.execute(t.db.kysely); // unrelated to the busy tables
    for (let i = 0; i < 5; i++) await seedCase(t.db, { teamId: team, createdAt: new Date(Date.UTC(2026, 4, 2, 10, i)) });
    const before = await sql<{ reltuples: number }>`SELECT reltuples::int AS reltuples FROM pg_class WHERE relname = 'cases'`.execute(
      t.db.kysely,
    );
    const analysed = await analyzeNeverAnalyzed(t.deps);
    const after = await sql<{ reltuples: number }>`SELECT reltuples::int AS reltuples FROM pg_class WHERE relname = 'cases'`.execute(
      t.db.kysely,
    );
    if (await needsOwnMaintenance(t.deps)) {
      expect(before.rows[0]!.reltuples).toBe(-1);
      expect(analysed).toContain('cases');
      expect(after.rows[0]!.reltuples).toBe(5);
    } else {
      expect(analysed).toEqual([]);
    }
  });

  it("is the product's job on the embedded database, and on PostgreSQL only when autovacuum is off", async () => {
    const autovacuum =
      kind === 'postgres' ? (await sql<{ a: string }>`SELECT current_setting('autovacuum') AS a`.execute(t.db.kysely)).rows[0]!.a : null;
    expect(await needsOwnMaintenance(t.deps)).toBe(kind === 'pglite' || autovacuum !== 'on');
  });

  it('reclaims dead case rows and refreshes the statistics the planner reads', async () => {
    const team = await makeTeam(t.db, 'Maintained');
    for (let i = 0; i < 40; i++) await seedCase(t.db, { teamId: team, createdAt: new Date(Date.UTC(2026, 4, 1, 10, i)) });
    for (let round = 0; round < 3; round++) await sql`UPDATE cases SET updated_at = updated_at + interval '1 second'`.execute(t.db.kysely);
    await vacuumBusyTables(t.deps);
    const live = await sql<{ n: number }>`SELECT count(*)::int AS n FROM cases`.execute(t.db.kysely);
    const planned = await sql<{ reltuples: number }>`SELECT reltuples::int AS reltuples FROM pg_class WHERE relname = 'cases'`.execute(
      t.db.kysely,
    );
    expect(planned.rows[0]!.reltuples).toBe(live.rows[0]!.n);
    // Vacuumed: every page of the table is known all-visible again (no dead rows left behind).
    const vis = await sql<{ all: boolean }>`SELECT relallvisible = relpages AS all FROM pg_class WHERE relname = 'cases'`.execute(
      t.db.kysely,
    );
    expect(vis.rows[0]!.all).toBe(true);
  });
});
