import { sql } from 'kysely';
import type { Deps } from '../deps.ts';
import { removeOrphanFiles } from '../attachments/store.ts';

/** The tables whose rows change all day: their dead rows pile up and their statistics drift. */
const BUSY_TABLES = [
  'cases',
  'case_events',
  'case_collaborators',
  'messages',
  'customers',
  'webhook_deliveries',
  'outbound_messages',
  'chat_sessions',
  'sessions',
  'idempotency_keys',
] as const;

/**
 * What PostgreSQL's autovacuum does, for a database without it (the embedded one; a server with
 * autovacuum turned off): reclaim the
 * dead rows that updates leave (claims and status changes rewrite case rows; without this the
 * queue index fills with dead entries and every probe of it slows) and refresh the planner's
 * statistics. One table at a time, each in one short pause of the single connection.
 */
export async function vacuumBusyTables(deps: Pick<Deps, 'db' | 'log'>): Promise<number> {
  const start = Date.now();
  const present = await sql<{ name: string }>`SELECT c.relname AS name FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname = ANY(${[...BUSY_TABLES]}::text[])`.execute(deps.db.kysely);
  for (const { name } of present.rows) await sql`VACUUM (ANALYZE) ${sql.table(name)}`.execute(deps.db.kysely);
  const ms = Date.now() - start;
  deps.log.info({ ms, tables: present.rows.length }, 'database maintenance');
  return ms;
}

/**
 * Before serving, where the database does not maintain itself: statistics for busy tables never
 * analysed (a database from before this job existed, or one just loaded), so the planner does
 * not guess. Quick: ANALYZE reads a sample, not the whole table.
 */
export async function analyzeNeverAnalyzed(deps: Pick<Deps, 'db' | 'log'>): Promise<string[]> {
  if (!(await needsOwnMaintenance(deps))) return [];
  const never = await sql<{ name: string }>`SELECT c.relname AS name FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.reltuples < 0 AND c.relname = ANY(${[...BUSY_TABLES]}::text[])`.execute(
    deps.db.kysely,
  );
  for (const { name } of never.rows) await sql`ANALYZE ${sql.table(name)}`.execute(deps.db.kysely);
  return never.rows.map((r) => r.name);
}

/** Whether this database leaves maintenance to us: the embedded one always, PostgreSQL when autovacuum is off. */
export async function needsOwnMaintenance(deps: Pick<Deps, 'db'>): Promise<boolean> {
  if (deps.db.kind === 'pglite') return true;
  const r = await sql<{ autovacuum: string }>`SHOW autovacuum`.execute(deps.db.kysely);
  return r.rows[0]?.autovacuum !== 'on';
}

/**
 * Maintenance a minute after start, then every `intervalMs`, where the database does not do it
 * itself (the embedded database; a PostgreSQL server with autovacuum off).
 */
export function startMaintenance(deps: Pick<Deps, 'db' | 'log'>, intervalMs = 15 * 60_000): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  let stopped = false;
  let needed: Promise<boolean> | null = null;
  const tick = () => {
    if (running || stopped) return;
    needed ??= needsOwnMaintenance(deps);
    running = needed
      .then((yes) => (yes && !stopped ? vacuumBusyTables(deps) : 0))
      // Attachment files whose rows are gone (embedded database only: files are real time, so is their age).
      .then(async () => {
        const removed = stopped ? 0 : await removeOrphanFiles(deps.db, new Date());
        if (removed) deps.log.info({ removed }, 'attachment files without a row removed');
      })
      .catch((err: unknown) => {
        if (!stopped) deps.log.error({ err }, 'database maintenance failed');
      })
      .finally(() => {
        running = null;
      });
  };
  const first = setTimeout(tick, Math.min(60_000, intervalMs));
  const every = setInterval(tick, intervalMs);
  first.unref();
  every.unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}
