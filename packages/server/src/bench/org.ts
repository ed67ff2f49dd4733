import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import { openPGlite, openPostgres, type Db } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';
import { ensureBaseline } from '../db/bootstrap.ts';
import { randomToken, sha256, uuidv7 } from '../ids.ts';
import type { BenchOptions } from './options.ts';
import { Rng } from './stats.ts';

type Agent = { id: string; token: string; teamIds: string[]; zone: string | null };
export type Org = { teams: string[]; agents: Agent[]; members: Map<string, number[]>; adminToken: string };
export type Store = { dataDir?: string; databaseUrl?: string; drop(): Promise<void>; open(): Promise<Db> };

const ZONES = [
  null,
  'UTC',
  'Europe/Berlin',
  'Europe/London',
  'America/New_York',
  'America/Los_Angeles',
  'Asia/Tokyo',
  'Asia/Kolkata',
  'Australia/Sydney',
];

/** A fresh database for the run: a temporary folder (embedded) or a new PostgreSQL database. */
export async function createStore(o: BenchOptions): Promise<Store> {
  if (o.db === 'pglite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-bench-'));
    return {
      dataDir: dir,
      open: () => openPGlite({ dataDir: dir }),
      drop: async () => {
        if (!o.keep) fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `casework_bench_${uuidv7().replace(/-/g, '').slice(-12)}`;
  await adminQuery(o.pgUrl, `CREATE DATABASE ${name}`);
  const url = new URL(o.pgUrl);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    open: () => openPostgres(url.toString(), 4),
    drop: async () => {
      if (!o.keep) await adminQuery(o.pgUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

export async function adminQuery(adminUrl: string, text: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

async function bulk(db: Db, table: string, cols: Record<string, { type: string; values: unknown[] }>): Promise<void> {
  const names = Object.keys(cols);
  const n = cols[names[0]!]!.values.length;
  for (let i = 0; i < n; i += 5000) {
    const arrays = names.map((k) => sql`${cols[k]!.values.slice(i, i + 5000)}::${sql.raw(cols[k]!.type)}[]`);
    await sql`INSERT INTO ${sql.table(table)} (${sql.join(names.map((k) => sql.ref(k)))})
      SELECT * FROM unnest(${sql.join(arrays)})`.execute(db.kysely);
  }
}

/**
 * Creates the organisation straight in the database before the server starts (users with
 * API tokens, teams, memberships): 500 teams, 10,000 agents on 1–3 teams in mixed zones.
 */
export async function seedOrg(db: Db, o: BenchOptions): Promise<Org> {
  await migrate(db);
  await ensureBaseline(db);
  const rng = new Rng(o.seed);
  const teams = Array.from({ length: o.teams }, () => uuidv7());
  await bulk(db, 'teams', { id: { type: 'uuid', values: teams }, name: { type: 'text', values: teams.map((_, i) => `Team ${i + 1}`) } });
  const agents: Agent[] = Array.from({ length: o.agents }, (_, i) => {
    const k = rng.weighted([
      [1, 50],
      [2, 35],
      [3, 15],
    ] as const);
    const own = new Set<string>([teams[i % teams.length]!]); // every team gets members
    while (own.size < Math.min(k, teams.length)) own.add(rng.pick(teams));
    return { id: uuidv7(), token: randomToken('cw_'), teamIds: [...own], zone: rng.pick(ZONES) };
  });
  const adminId = uuidv7();
  const adminToken = randomToken('cw_');
  const people = [
    ...agents.map((a, i) => ({ ...a, email: `agent${i + 1}@bench.test`, role: i % 20 === 0 ? 'supervisor' : 'agent' })),
    { id: adminId, token: adminToken, teamIds: [], zone: null, email: 'bench-importer@bench.test', role: 'admin' },
  ];
  await bulk(db, 'users', {
    id: { type: 'uuid', values: people.map((p) => p.id) },
    email: { type: 'text', values: people.map((p) => p.email) },
    name: { type: 'text', values: people.map((p) => p.email.split('@')[0]) },
    role_id: { type: 'text', values: people.map((p) => p.role) },
    time_zone: { type: 'text', values: people.map((p) => p.zone) },
    updated_at: { type: 'timestamptz', values: people.map(() => new Date().toISOString()) },
  });
  const pairs = agents.flatMap((a) => a.teamIds.map((t) => [t, a.id] as const));
  await bulk(db, 'team_members', {
    team_id: { type: 'uuid', values: pairs.map((p) => p[0]) },
    user_id: { type: 'uuid', values: pairs.map((p) => p[1]) },
  });
  await bulk(db, 'api_tokens', {
    id: { type: 'uuid', values: people.map(() => uuidv7()) },
    user_id: { type: 'uuid', values: people.map((p) => p.id) },
    name: { type: 'text', values: people.map(() => 'bench') },
    token_hash: { type: 'text', values: people.map((p) => sha256(p.token)) },
  });
  const members = new Map<string, number[]>(teams.map((t) => [t, []]));
  for (const [i, a] of agents.entries()) for (const t of a.teamIds) members.get(t)!.push(i);
  return { teams, agents, members, adminToken };
}

/** Refreshes planner statistics and the visibility map, as autovacuum would after a bulk load, then checkpoints. */
export async function vacuumAnalyze(db: Db): Promise<void> {
  await sql`VACUUM ANALYZE`.execute(db.kysely);
  // Write out what the load left dirty now, not during the timed phases: they measure a serving
  // system, not the bulk load's deferred writes competing with requests for the disk and cores.
  await sql`CHECKPOINT`.execute(db.kysely);
}
