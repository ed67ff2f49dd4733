import { sql } from 'kysely';
import type { Db } from './connect.ts';
import { MIGRATIONS } from './migrations/index.ts';

/**
 * Applies pending migrations, each in its own transaction. On PostgreSQL an advisory lock
 * lets several starting processes migrate one database safely: the first applies each
 * migration, the others wait on the lock and then skip it.
 */
export async function migrate(db: Db): Promise<string[]> {
  // Under the lock too: two sessions creating one table "if not exists" at once can both try.
  const lock = db.kind === 'postgres' ? `SELECT pg_advisory_xact_lock(424242);` : '';
  await db.execScript(
    `${lock}CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());`,
  );
  const applied: string[] = [];
  for (const m of MIGRATIONS) {
    const done = await sql<{ n: number }>`SELECT count(*)::int AS n FROM schema_migrations WHERE name = ${m.name}`.execute(db.kysely);
    if (done.rows[0]!.n > 0) continue;
    if (m.data) {
      await migrateData(db, lock, m as Required<(typeof MIGRATIONS)[number]>);
      applied.push(m.name);
      continue;
    }
    const name = m.name.replace(/'/g, "''");
    await db
      .execScript(`${lock}
      DO $migration$ BEGIN
        IF EXISTS (SELECT 1 FROM schema_migrations WHERE name = '${name}') THEN
          RAISE EXCEPTION 'casework:already-applied';
        END IF;
      END $migration$;
      ${m.up}
      INSERT INTO schema_migrations (name) VALUES ('${name}');`)
      .catch((err: Error) => {
        if (!String(err.message).includes('casework:already-applied')) throw err;
      });
    applied.push(m.name);
  }
  return applied;
}

/** A migration that rewrites rows in TypeScript: one transaction for the SQL, the rewrite and its record, under the same lock. */
async function migrateData(db: Db, lock: string, m: Required<(typeof MIGRATIONS)[number]>): Promise<void> {
  await db.kysely.transaction().execute(async (trx) => {
    if (lock) await sql.raw(lock).execute(trx);
    const done = await sql<{ n: number }>`SELECT count(*)::int AS n FROM schema_migrations WHERE name = ${m.name}`.execute(trx);
    if (done.rows[0]!.n > 0) return;
    if (m.up.trim()) await sql.raw(m.up).execute(trx);
    await m.data(trx);
    await sql`INSERT INTO schema_migrations (name) VALUES (${m.name})`.execute(trx);
  });
}
