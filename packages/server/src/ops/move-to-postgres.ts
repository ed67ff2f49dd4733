import { createHash } from 'node:crypto';
import pg from 'pg';
import { readFile } from '../attachments/file-store.ts';
import { sql } from 'kysely';
import { openPostgres, type Db } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';
import { foreignKeys, type Fk } from './doctor.ts';

export type TableCount = { table: string; source: number; target: number };
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
const BATCH = 1000;

/** Tables in an order where every row's references are copied before it; references that close a loop are filled in afterwards. */
function copyOrder(tables: string[], fks: Fk[]): { order: string[]; later: Fk[] } {
  const edges = fks.filter((f) => f.child !== f.parent);
  const later = fks.filter((f) => f.child === f.parent);
  const order: string[] = [];
  const left = new Set(tables);
  while (left.size > 0) {
    const ready = [...left].filter((t) => !edges.some((e) => e.child === t && left.has(e.parent)));
    if (ready.length === 0) {
      // A loop between tables: fill one of its references in afterwards.
      const cut = edges.find((e) => left.has(e.child) && left.has(e.parent))!;
      edges.splice(edges.indexOf(cut), 1);
      later.push(cut);
      continue;
    }
    for (const t of ready.sort()) {
      order.push(t);
      left.delete(t);
    }
  }
  return { order, later };
}

/**
 * `casework migrate-to-postgres`: copies the embedded database (migrated to this version) into an
 * EMPTY PostgreSQL database, in one transaction there: the schema by the same migrations, then
 * every table's rows as they are (user triggers off, so derived tables are copied, not rebuilt;
 * foreign keys checked), every sequence's position, and a count per table on both sides. The
 * embedded database's attachment files become chunks in the same transaction (PostgreSQL keeps the
 * bytes in its rows, so every server process can serve them).
 */
export async function moveToPostgres(source: Db, url: string, say: (s: string) => void = () => {}): Promise<TableCount[]> {
  const check = new pg.Client({ connectionString: url });
  await check.connect();
  try {
    const r = await check.query(`SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')`);
    if (r.rows[0].n > 0)
      throw new Error(
        `The PostgreSQL database is not empty (${r.rows[0].n} tables, views or sequences in its public schema): migrate-to-postgres copies only into an empty database.`,
      );
  } finally {
    await check.end();
  }
  say('creating the schema (migrations)');
  const target = await openPostgres(url, 2);
  try {
    await migrate(target);
  } finally {
    await target.close();
  }
  const tables = (
    await sql<{ name: string }>`SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'schema_migrations' ORDER BY 1`.execute(source.kysely)
  ).rows.map((r) => r.name);
  const { order, later } = copyOrder(tables, await foreignKeys(source));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`TRUNCATE ${tables.map(ident).join(', ')} RESTART IDENTITY CASCADE`);
    for (const t of tables) await client.query(`ALTER TABLE ${ident(t)} DISABLE TRIGGER USER`);
    for (const t of order) {
      const cols = (
        await client.query(
          `SELECT attname AS name, attidentity AS identity FROM pg_attribute
           WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`,
          [`public.${ident(t)}`],
        )
      ).rows as { name: string; identity: string }[];
      const deferred = new Set(later.filter((f) => f.child === t).flatMap((f) => f.childCols));
      const list = cols.map((c) => ident(c.name)).join(', ');
      const pick = cols.map((c) => (deferred.has(c.name) ? 'NULL' : `x.${ident(c.name)}`)).join(', ');
      const overriding = cols.some((c) => c.identity === 'a') ? 'OVERRIDING SYSTEM VALUE' : '';
      const insert = `INSERT INTO ${ident(t)} (${list}) ${overriding} SELECT ${pick} FROM jsonb_populate_recordset(NULL::${ident(t)}, $1::jsonb) x`;
      let copied = 0;
      await eachBatch(source, t, async (rows) => {
        await client.query(insert, [`[${rows.join(',')}]`]);
        copied += rows.length;
      });
      say(`${t}: ${copied} rows`);
    }
    for (const f of later) {
      const pk = await primaryKey(client, f.child);
      const set = f.childCols.map((c) => `${ident(c)} = x.${ident(c)}`).join(', ');
      const match = pk.map((c) => `t.${ident(c)} = x.${ident(c)}`).join(' AND ');
      const update = `UPDATE ${ident(f.child)} t SET ${set} FROM jsonb_populate_recordset(NULL::${ident(f.child)}, $1::jsonb) x WHERE ${match}`;
      await eachBatch(source, f.child, (rows) => client.query(update, [`[${rows.join(',')}]`]).then(() => {}));
    }
    for (const t of tables) await client.query(`ALTER TABLE ${ident(t)} ENABLE TRIGGER USER`);
    const seqs = await sql<{ name: string; value: string | null; called: boolean }>`
      SELECT s.relname AS name, (pg_sequence_last_value(s.oid))::text AS value, pg_sequence_last_value(s.oid) IS NOT NULL AS called
      FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace WHERE s.relkind = 'S' AND n.nspname = 'public'`.execute(source.kysely);
    for (const s of seqs.rows)
      if (s.value !== null)
        await client.query('SELECT setval($1::regclass, $2::bigint, $3)', [`public.${ident(s.name)}`, s.value, s.called]);
    const counts: TableCount[] = [];
    for (const t of tables) {
      const src = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.raw(ident(t))}`.execute(source.kysely);
      const dst = await client.query(`SELECT count(*)::int AS n FROM ${ident(t)}`);
      counts.push({ table: t, source: src.rows[0]!.n, target: dst.rows[0].n });
    }
    const wrong = counts.filter((c) => c.source !== c.target);
    if (wrong.length)
      throw new Error(`Row counts differ, nothing was kept: ${wrong.map((w) => `${w.table} ${w.source} → ${w.target}`).join(', ')}`);
    await filesIntoChunks(source, client, say);
    await client.query('COMMIT');
    return counts;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    await client.end();
  }
}

async function primaryKey(client: pg.Client, table: string): Promise<string[]> {
  const r = await client.query(
    `SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
     WHERE i.indrelid = $1::regclass AND i.indisprimary`,
    [`public.${ident(table)}`],
  );
  if (r.rows.length === 0) throw new Error(`${table} has no primary key: its references cannot be filled in afterwards.`);
  return r.rows.map((x: { name: string }) => x.name);
}

/** Every row of a source table as JSON text, a batch at a time, through a cursor (one pass). */
async function eachBatch(source: Db, table: string, fn: (rows: string[]) => Promise<void>): Promise<void> {
  await source.kysely.transaction().execute(async (trx) => {
    await sql`DECLARE copy_rows NO SCROLL CURSOR FOR SELECT to_jsonb(t)::text AS r FROM ${sql.raw(ident(table))} t`.execute(trx);
    for (;;) {
      const batch = await sql<{ r: string }>`FETCH ${sql.raw(String(BATCH))} FROM copy_rows`.execute(trx);
      if (batch.rows.length === 0) break;
      await fn(batch.rows.map((x) => x.r));
    }
  });
}

/**
 * Copies every attachment kept as a file beside the embedded database into `attachment_chunks`
 * (1 MiB pieces, read one at a time), checking each file against its SHA-256, and clears its path.
 */
async function filesIntoChunks(source: Db, client: pg.Client, say: (s: string) => void): Promise<void> {
  const rows = (
    await client.query(`SELECT id::text AS id, file_path, sha256 FROM message_attachments WHERE file_path IS NOT NULL ORDER BY id`)
  ).rows as { id: string; file_path: string; sha256: string | null }[];
  if (rows.length === 0) return;
  if (!source.filesDir) throw new Error('The embedded database names attachment files but has no files folder.');
  let chunks = 0;
  for (const r of rows) {
    const hash = createHash('sha256');
    let seq = 0;
    for await (const piece of readFile(source.filesDir, r.file_path)) {
      hash.update(piece as Buffer);
      await client.query('INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES ($1, $2, $3)', [r.id, seq++, piece]);
    }
    if (r.sha256 && hash.digest('hex') !== r.sha256)
      throw new Error(`The attachment file ${r.file_path} does not match its checksum: nothing was kept.`);
    chunks += seq;
  }
  await client.query('UPDATE message_attachments SET file_path = NULL WHERE file_path IS NOT NULL');
  say(`attachment files: ${rows.length} copied into ${chunks} chunks`);
}
