import { parseArgs } from 'node:util';

type DbKind = 'pglite' | 'postgres';

/** What one benchmark run does: sizes, time bounds and where it writes. */
export type BenchOptions = {
  db: DbKind;
  cases: number;
  teams: number;
  agents: number;
  /** Seconds for each timed phase (every phase also has a request cap). */
  duration: number;
  /** Clients for the latency phases (My Work, lists). */
  concurrency: number;
  claimers: number;
  messagesPerCase: number;
  smoke: boolean;
  seed: number;
  pgUrl: string;
  outDir: string;
  keep: boolean;
  /** Stop after the history's import (its figures only). */
  importOnly: boolean;
  /** An SLA policy applies to every case from before the import (SLA upkeep on the write paths). */
  sla: boolean;
};

const HELP = `Usage: npm run bench -- [options]

  --db pglite|postgres   database (default pglite; postgres uses --pg-url)
  --cases N              cases to import (default 1,000,000 on postgres, 200,000 on pglite)
  --teams N              teams (default 500)
  --agents N             agents, each on 1-3 teams (default 10,000)
  --duration S           seconds per timed phase (default 10)
  --concurrency N        clients for the latency phases (default 2, one per core)
  --claimers N           concurrent agents calling claim-next (default 64)
  --messages N           average messages per case, imported with the cases (default 5)
  --smoke                tiny run (seconds) that checks the benchmark still works
  --seed N               random seed (default 42)
  --pg-url URL           PostgreSQL admin URL (default postgres://postgres@127.0.0.1:5432/postgres)
  --out DIR              where the JSON result goes (default bench-results)
  --keep                 keep the database afterwards (prints where it is)
  --import-only          seed and import the history, print the import's figures, stop
  --sla                  an SLA policy (first response 60, next response 120, resolution 1,440
                         minutes, around the clock) applies to every case, created before the import
`;

const num = (v: string | undefined, d: number) => (v === undefined ? d : Number(v.replace(/[_,]/g, '')));

/** Reads the command line; --smoke shrinks every size and bound so a run takes seconds. */
export function readOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string' },
      cases: { type: 'string' },
      teams: { type: 'string' },
      agents: { type: 'string' },
      duration: { type: 'string' },
      concurrency: { type: 'string' },
      claimers: { type: 'string' },
      messages: { type: 'string' },
      smoke: { type: 'boolean' },
      seed: { type: 'string' },
      'pg-url': { type: 'string' },
      out: { type: 'string' },
      keep: { type: 'boolean' },
      'import-only': { type: 'boolean' },
      sla: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const db = (values.db ?? 'pglite') as DbKind;
  if (db !== 'pglite' && db !== 'postgres') throw new Error(`--db must be pglite or postgres, not ${db}`);
  const smoke = Boolean(values.smoke);
  const o: BenchOptions = {
    db,
    cases: num(values.cases, smoke ? 600 : db === 'postgres' ? 1_000_000 : 200_000),
    teams: num(values.teams, smoke ? 6 : 500),
    agents: num(values.agents, smoke ? 60 : 10_000),
    duration: num(values.duration, smoke ? 1.5 : 10),
    concurrency: num(values.concurrency, 2),
    claimers: num(values.claimers, smoke ? 16 : 64),
    messagesPerCase: num(values.messages, 5),
    smoke,
    seed: num(values.seed, 42),
    pgUrl: values['pg-url'] ?? process.env.CASEWORK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    outDir: values.out ?? 'bench-results',
    keep: Boolean(values.keep),
    importOnly: Boolean(values['import-only']),
    sla: Boolean(values.sla),
  };
  for (const k of ['cases', 'teams', 'agents', 'duration', 'concurrency', 'claimers'] as const) {
    if (!(o[k] > 0) || !Number.isFinite(o[k])) throw new Error(`--${k} must be a positive number`);
  }
  if (o.agents < o.teams) throw new Error('--agents must be at least --teams (every team needs members)');
  const host = new URL(o.pgUrl).hostname;
  if (db === 'postgres' && !['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) {
    throw new Error('The benchmark only targets this machine: --pg-url must point at 127.0.0.1.');
  }
  return o;
}
