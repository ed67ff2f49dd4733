import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import { MIGRATIONS } from '../db/migrations/index.ts';

export type Check = { name: string; ok: boolean; detail: string };

export type Fk = { name: string; child: string; parent: string; childCols: string[]; parentCols: string[] };
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** Foreign keys of the public schema, from the catalog. */
export async function foreignKeys(db: Db): Promise<Fk[]> {
  const r = await sql<{ name: string; child: string; parent: string; child_cols: string[]; parent_cols: string[] }>`
    SELECT c.conname AS name, cl.relname AS child, pl.relname AS parent,
      array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) AS child_cols,
      array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i) AS parent_cols
    FROM pg_constraint c
    JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace
    JOIN pg_class pl ON pl.oid = c.confrelid
    WHERE c.contype = 'f' AND n.nspname = 'public' ORDER BY 2, 1`.execute(db.kysely);
  return r.rows.map((x) => ({ name: x.name, child: x.child, parent: x.parent, childCols: x.child_cols, parentCols: x.parent_cols }));
}

/**
 * `casework doctor`: what an operator checks after a restore or a move, on either database —
 * every migration this version knows applied (and none it does not), every constraint and index
 * valid, no row pointing at a missing one (each foreign key checked again from the data, as a
 * copy made with checks off could hold them), and the timers due now (they fire at start).
 */
export async function runDoctor(db: Db, now = new Date()): Promise<Check[]> {
  const checks: Check[] = [];
  const applied = (await sql<{ name: string }>`SELECT name FROM schema_migrations ORDER BY name`.execute(db.kysely)).rows.map(
    (r) => r.name,
  );
  const known = MIGRATIONS.map((m) => m.name);
  const missing = known.filter((n) => !applied.includes(n));
  const unknown = applied.filter((n) => !known.includes(n));
  checks.push({
    name: 'migrations',
    ok: missing.length === 0 && unknown.length === 0,
    detail:
      missing.length || unknown.length
        ? [missing.length ? `not applied: ${missing.join(', ')}` : '', unknown.length ? `from a newer version: ${unknown.join(', ')}` : '']
            .filter(Boolean)
            .join('; ')
        : `${applied.length} applied, the last ${applied.at(-1) ?? 'none'}`,
  });
  const invalid = await sql<{ name: string }>`
    SELECT conname AS name FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
    WHERE n.nspname = 'public' AND NOT c.convalidated
    UNION ALL
    SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace
    WHERE n.nspname = 'public' AND NOT (x.indisvalid AND x.indisready)`.execute(db.kysely);
  checks.push({
    name: 'constraints and indexes',
    ok: invalid.rows.length === 0,
    detail: invalid.rows.length ? `not valid: ${invalid.rows.map((r) => r.name).join(', ')}` : 'all valid',
  });
  const fks = await foreignKeys(db);
  const orphans: string[] = [];
  for (const fk of fks) {
    const notNull = fk.childCols.map((c) => `c.${ident(c)} IS NOT NULL`).join(' AND ');
    const match = fk.childCols.map((c, i) => `p.${ident(fk.parentCols[i]!)} = c.${ident(c)}`).join(' AND ');
    const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.raw(ident(fk.child))} c
      WHERE ${sql.raw(notNull)} AND NOT EXISTS (SELECT 1 FROM ${sql.raw(ident(fk.parent))} p WHERE ${sql.raw(match)})`.execute(db.kysely);
    if (r.rows[0]!.n > 0) orphans.push(`${fk.child}.${fk.childCols.join(',')} → ${fk.parent}: ${r.rows[0]!.n}`);
  }
  checks.push({
    name: 'orphan rows',
    ok: orphans.length === 0,
    detail: orphans.length ? orphans.join('; ') : `none (${fks.length} references checked)`,
  });
  const due = await sql<{ waking: number; closing: number }>`SELECT
      (SELECT count(*)::int FROM cases WHERE status = 'waiting' AND wake_at IS NOT NULL AND wake_at <= ${now}) AS waking,
      (SELECT count(*)::int FROM cases c WHERE c.status = 'resolved'
        AND c.last_activity_at <= ${now}::timestamptz - make_interval(hours => 24 * (SELECT auto_close_days FROM organisation WHERE id = 1))) AS closing`.execute(
    db.kysely,
  );
  const d = due.rows[0]!;
  checks.push({
    name: 'timers due',
    ok: true,
    detail: `${d.waking} waiting cases to wake and ${d.closing} resolved cases to close now (the first server process does it at start)`,
  });
  const counts = await sql<{ cases: number; messages: number; users: number; events: number }>`SELECT
      (SELECT count(*)::int FROM cases) AS cases, (SELECT count(*)::int FROM messages) AS messages,
      (SELECT count(*)::int FROM users) AS users, (SELECT count(*)::int FROM case_events) AS events`.execute(db.kysely);
  const c = counts.rows[0]!;
  checks.push({
    name: 'contents',
    ok: true,
    detail: `${c.users} users, ${c.cases} cases, ${c.messages} messages, ${c.events} history events`,
  });
  return checks;
}
