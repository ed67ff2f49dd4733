import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { claimQueued } from '@casework/domain';
import type { Db } from '../db/connect.ts';
import { WEBHOOK_EVENTS } from '../channels/outbound/webhooks.ts';
import { request } from './http.ts';
import type { Org } from './org.ts';
import { findPgbench } from './pgbench.ts';
import type { Target } from './scenarios.ts';
import { lanes } from './stats.ts';

/**
 * What bounds claim-next, measured beside it (same machine, same client count):
 * - the HTTP ceiling: the same load generator against `GET /healthz`, which touches no database;
 * - the SQL claim: `casework_claim_next` (the statement behind claim-next) driven by pgbench
 *   directly, without HTTP, authentication or JSON.
 */
export type Ceilings = {
  httpHealthzPerSecond: number;
  sqlClaims: (SqlClaims & { batched: (SqlClaims & { perCall: number }) | { skipped: string } }) | { skipped: string } | null;
};

/** One pgbench run of a claim script: claims per second, and the claims its calls asked for that found the queue empty. */
type SqlClaims = { perSecond: number; clients: number; seconds: number; emptyAnswers: number };

/** `clients` loops of GET /healthz for `seconds`: the most requests per second this server and load generator can do. */
export async function measureHttpCeiling(t: Target, clients: number, seconds: number): Promise<number> {
  let n = 0;
  const start = Date.now();
  await lanes(clients, start + seconds * 1000, async () => {
    const r = await request(t.agent, t.base, 'GET', '/healthz', null);
    if (r.status === 200) n++;
    return true;
  });
  return Math.round(n / ((Date.now() - start) / 1000));
}

/**
 * pgbench runs the claim functions for the claimers (their own teams, today in UTC) on the
 * benchmark's database: first one claim per call (`casework_claim_next`, each client a random
 * claimer, as many clients as claimers), then batches as the server sends them under load
 * (`casework_claim_next_batch`, `perCall` consecutive claimers per call from `batchClients`
 * clients). Claims are counted from the history afterwards, so calls that found the queue empty do
 * not count.
 */
export async function measureSqlClaims(
  db: Db,
  databaseUrl: string,
  org: Org,
  claimers: number[],
  seconds: number,
): Promise<Ceilings['sqlClaims']> {
  const bin = findPgbench();
  if (!bin) return { skipped: 'pgbench not found' };
  await sql`CREATE TABLE IF NOT EXISTS bench_claimers (n int PRIMARY KEY, user_id uuid NOT NULL, team_ids uuid[] NOT NULL)`.execute(
    db.kysely,
  );
  await sql`TRUNCATE bench_claimers`.execute(db.kysely);
  const rows = claimers.map((i, n) => ({ n, user: org.agents[i]!.id, teams: `{${org.agents[i]!.teamIds.join(',')}}` }));
  for (const r of rows) await sql`INSERT INTO bench_claimers VALUES (${r.n}, ${r.user}::uuid, ${r.teams}::uuid[])`.execute(db.kysely);
  const o = claimQueued('00000000-0000-0000-0000-000000000000', new Date());
  const lit = (xs: string[]) => `ARRAY[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')}]`;
  const today = `date_trunc('day', now()), date_trunc('day', now()) + interval '1 day'`;
  const data = `ARRAY(SELECT replace(d, '00000000-0000-0000-0000-000000000000', b.user_id::text)::jsonb FROM unnest(${lit(o.events.map((e) => JSON.stringify(e.data)))}::text[]) d)`;
  const tail = `'${o.changes.status}', ${lit(o.events.map((e) => e.type))}::text[]`;
  const single = `\\set k random(0, ${rows.length - 1})
SELECT c.outcome FROM bench_claimers b, casework_claim_next(b.team_ids, ${today}, b.user_id, now(), ${tail}, ${data},
  ${lit([...WEBHOOK_EVENTS])}::text[]) c WHERE b.n = :k;
`;
  const perCall = Math.min(16, rows.length);
  const batchClients = Math.max(1, Math.min(4, Math.floor(rows.length / perCall)));
  const batched = `\\set k random(0, ${rows.length - perCall})
SELECT count(*) FROM casework_claim_next_batch((SELECT jsonb_agg(jsonb_build_object('n', b.n, 'actor', b.user_id, 'teams', b.team_ids,
  'day_start', date_trunc('day', now()), 'day_end', date_trunc('day', now()) + interval '1 day', 'data', ${data}))
  FROM bench_claimers b WHERE b.n >= :k AND b.n < :k + ${perCall}), now(), ${tail}, ${lit([...WEBHOOK_EVENTS])}::text[]);
`;
  try {
    const one = await pgbenchClaims(db, bin, databaseUrl, single, 1, rows.length, seconds);
    if ('skipped' in one) return one;
    const many = await pgbenchClaims(db, bin, databaseUrl, batched, perCall, batchClients, seconds);
    return { ...one, batched: 'skipped' in many ? many : { ...many, perCall } };
  } finally {
    await sql`DROP TABLE bench_claimers`.execute(db.kysely);
  }
}

async function pgbenchClaims(
  db: Db,
  bin: string,
  databaseUrl: string,
  script: string,
  perCall: number,
  clients: number,
  seconds: number,
): Promise<SqlClaims | { skipped: string }> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'casework-claim-sql-')), 'claim.sql');
  fs.writeFileSync(file, script);
  const since = await sql<{ id: string }>`SELECT coalesce(max(id), 0)::text AS id FROM case_events`.execute(db.kysely);
  const u = new URL(databaseUrl);
  const run = spawnSync(
    bin,
    [
      '-n',
      '-c',
      String(clients),
      '-j',
      String(Math.min(2, clients)),
      '-T',
      String(Math.max(1, Math.round(seconds))),
      '-f',
      file,
      '-h',
      u.hostname,
      '-p',
      u.port || '5432',
      '-U',
      decodeURIComponent(u.username || 'postgres'),
      u.pathname.slice(1),
    ],
    // The server's connections run with JIT off (db/connect.ts); with it on, PostgreSQL compiles the
    // function's larger statements on every call and the SQL figure is a third of what it should be.
    {
      encoding: 'utf8',
      env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password), PGOPTIONS: '-c jit=off' },
      timeout: (seconds + 120) * 1000,
    },
  );
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  if (run.status !== 0) return { skipped: `pgbench failed: ${(run.stderr || run.stdout).slice(0, 300)}` };
  const claimed = await sql<{
    n: number;
  }>`SELECT count(*)::int AS n FROM case_events WHERE id > ${since.rows[0]!.id}::bigint AND type = 'case.claimed'`.execute(db.kysely);
  const calls = Number(/number of transactions actually processed: (\d+)/.exec(run.stdout)?.[1] ?? NaN);
  const claims = claimed.rows[0]!.n;
  return { perSecond: Math.round(claims / seconds), clients, seconds, emptyAnswers: Math.max(0, calls * perCall - claims) };
}
