/**
 * `npm run bench:audit -- [--db pglite|postgres] [--rows N] [--smoke]`: the audit log's reads and
 * writes over a log of N entries (default 200,000) in a fresh database. Prints the median and p95
 * of: appending one entry in its own transaction (recordAudit), the first page unfiltered and
 * filtered by actor, action family and target, a page deep into the log by cursor, exporting one
 * actor's entries whole, and the retention removing the oldest tenth.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { sql } from 'kysely';
import { openPGlite, openPostgres, type Db } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';
import { ensureBaseline } from '../db/bootstrap.ts';
import { listAuditEntries, decodeAuditCursor, type AuditFilter } from '../db/repos/audit-list.ts';
import { recordAudit } from '../use-cases/audit/record-audit.ts';
import { pruneAuditLog } from '../use-cases/audit/prune-audit-log.ts';
import { uuidv7 } from '../ids.ts';
import type { Deps } from '../deps.ts';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    db: { type: 'string', default: 'pglite' },
    rows: { type: 'string' },
    smoke: { type: 'boolean', default: false },
    'pg-url': { type: 'string' },
  },
});
const kind = values.db === 'postgres' ? 'postgres' : 'pglite';
const rows = Number(values.rows ?? (values.smoke ? 5_000 : 200_000));
const pgUrl = values['pg-url'] ?? process.env.CASEWORK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const say = (s: string) => process.stderr.write(`[bench:audit ${new Date().toISOString().slice(11, 19)}] ${s}\n`);

async function open(): Promise<{ db: Db; drop(): Promise<void> }> {
  if (kind === 'pglite') {
    const db = await openPGlite();
    return { db, drop: async () => {} };
  }
  const name = `casework_bench_audit_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  const db = await openPostgres(url.toString(), 4);
  return {
    db,
    async drop() {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function timed(runs: number, f: () => Promise<unknown>): Promise<string> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await f();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!.toFixed(2);
  return `median ${at(0.5)} ms, p95 ${at(0.95)} ms (${runs} runs)`;
}

async function main() {
  const { db, drop } = await open();
  try {
    await migrate(db);
    await ensureBaseline(db);
    const now = new Date('2026-12-06T12:00:00Z');
    const actors = Array.from({ length: 50 }, () => uuidv7());
    say(`${kind}: filling ${rows.toLocaleString('en-US')} entries over 400 days, 50 actors`);
    // Spread over 400 days, newest last; actions and targets cycle through a realistic mix.
    await sql`INSERT INTO audit_log (id, at, actor_id, action, target_type, target_id, target_label, ip, changes)
      SELECT gen_random_uuid(),
        ${now}::timestamptz - ((${rows} - g) * (400 * 86400.0 / ${rows})) * interval '1 second',
        (${sql.val(actors)}::uuid[])[1 + g % 50],
        (ARRAY['sign_in.succeeded','sign_in.failed','user.updated','team.updated','channel.updated','token.created'])[1 + g % 6],
        (ARRAY['user','user','user','team','channel','token'])[1 + g % 6],
        (g % 500)::text, 'thing ' || (g % 500), '10.0.0.' || (g % 250),
        jsonb_build_object('name', jsonb_build_object('from', 'a' || g, 'to', 'b' || g))
      FROM generate_series(1, ${rows}) g`.execute(db.kysely);
    await sql`ANALYZE audit_log`.execute(db.kysely);
    const clock = { now: () => now };
    const deps = { db, clock } as unknown as Deps;
    const page = (f: AuditFilter) => () => listAuditEntries(db.kysely, f, { cursor: null, limit: 50 });
    const runs = values.smoke ? 5 : 50;
    const out: [string, string][] = [];
    out.push([
      'append one entry (own transaction)',
      await timed(runs * 4, () =>
        db.kysely
          .transaction()
          .execute((trx) =>
            recordAudit(
              trx,
              deps,
              { id: actors[0]!, ip: '127.0.0.1' },
              { action: 'team.updated', target: { type: 'team', id: 'x' }, before: { name: 'a' }, after: { name: 'b' } },
            ),
          ),
      ),
    ]);
    out.push(['first page, no filter', await timed(runs, page({}))]);
    out.push(['first page, one actor', await timed(runs, page({ actorId: actors[7] }))]);
    out.push(['first page, action family sign_in.', await timed(runs, page({ action: 'sign_in.' }))]);
    out.push(['first page, one action sign_in.failed', await timed(runs, page({ action: 'sign_in.failed' }))]);
    out.push(['first page, one target team:3', await timed(runs, page({ targetType: 'team', targetId: '3' }))]);
    out.push([
      'first page, a week long ago',
      await timed(runs, page({ from: new Date(now.getTime() - 200 * 86_400_000), to: new Date(now.getTime() - 193 * 86_400_000) })),
    ]);
    const deep = async () => {
      let cursor = null;
      for (let i = 0; i < 20; i++) {
        const p = await listAuditEntries(db.kysely, {}, { cursor, limit: 50 });
        cursor = decodeAuditCursor(p.nextCursor!);
      }
    };
    out.push(['20 pages in a row (1,000 entries)', await timed(Math.max(3, runs / 10), deep)]);
    const exportActor = async () => {
      let cursor = null;
      do {
        const p = await listAuditEntries(db.kysely, { actorId: actors[3] }, { cursor, limit: 1000 });
        cursor = p.nextCursor ? decodeAuditCursor(p.nextCursor) : null;
      } while (cursor);
    };
    out.push([`export one actor (${Math.round(rows / 50).toLocaleString('en-US')} entries, pages of 1,000)`, await timed(3, exportActor)]);
    await sql`UPDATE organisation SET audit_retention_days = 360`.execute(db.kysely);
    const t0 = performance.now();
    const removed = await pruneAuditLog(deps);
    out.push([
      `retention: remove the oldest ${removed.toLocaleString('en-US')} (40 of 400 days)`,
      `${(performance.now() - t0).toFixed(0)} ms once`,
    ]);
    for (const [what, figure] of out) process.stdout.write(`${kind}  ${what.padEnd(58)} ${figure}\n`);
  } finally {
    await db.close();
    await drop();
  }
}

await main();
