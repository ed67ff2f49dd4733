/**
 * `npm run bench:sla -- [--db postgres|pglite] [--cases N] [--margin S] [--smoke]`: the breach
 * timer under 10,000 simultaneous breaches (SPEC §12). A fresh organisation gets one SLA policy
 * (first response in 60 minutes, around the clock); N cases (default 10,000) are imported queued,
 * all created exactly 60 minutes before a moment B a margin after the run starts (default 180 s,
 * time for the import), so every first response breaches at B. From B on, one agent per team listens
 * on the live event stream of process A (on PostgreSQL a second process B runs the timers too) and
 * the run times until every case's `case.sla_breached` has been heard. Afterwards it checks in the
 * database that each case holds exactly one breach event, and reads the events' recorded times.
 * Servers run with their default timer interval (5 s): a breach waits up to one interval to be seen.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { readOptions } from './options.ts';
import { createStore, seedOrg, type Store } from './org.ts';
import { ROOT, startServer, type Server } from './server.ts';
import { makeAgent, openEvents, request } from './http.ts';
import { importAll, type Target } from './scenarios.ts';
import { sleep } from './stats.ts';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    db: { type: 'string', default: 'postgres' },
    cases: { type: 'string' },
    margin: { type: 'string' },
    smoke: { type: 'boolean', default: false },
    'pg-url': { type: 'string' },
  },
});
const say = (s: string) => process.stderr.write(`[bench:sla ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
const smoke = Boolean(values.smoke);
const cases = Number(values.cases ?? (smoke ? 300 : 10_000));
const marginS = Number(values.margin ?? (smoke ? 40 : 180));
const o = readOptions([
  '--db',
  String(values.db),
  '--cases',
  String(cases),
  '--teams',
  '10',
  '--agents',
  '40',
  ...(values['pg-url'] ? ['--pg-url', values['pg-url']] : []),
]);
o.outDir = path.resolve(ROOT, o.outDir);
fs.mkdirSync(o.outDir, { recursive: true });

async function run(store: Store, servers: Server[]): Promise<number> {
  say(`seeding ${o.teams} teams and ${o.agents} agents`);
  const db = await store.open();
  const org = await seedOrg(db, o);
  await db.close();
  const env = { dataDir: store.dataDir, databaseUrl: store.databaseUrl, logFile: path.join(o.outDir, `server-sla-${o.db}.log`) };
  servers.push(await startServer(env));
  if (o.db === 'postgres') servers.push(await startServer(env));
  const a: Target = { base: servers[0]!.base, agent: makeAgent(16) };
  const policy = { name: 'Breach bench', targets: { firstResponse: 60 } };
  const made = await request(a.agent, a.base, 'POST', '/api/v1/sla-policies', org.adminToken, policy);
  if (made.status !== 201) throw new Error(`creating the SLA policy answered ${made.status}: ${made.body.slice(0, 300)}`);

  const breachAt = Date.now() + marginS * 1000;
  const createdAt = new Date(breachAt - 60 * 60_000).toISOString();
  say(`importing ${cases} queued cases whose first response breaches at ${new Date(breachAt).toISOString().slice(11, 19)}`);
  const batches = function* () {
    for (let i = 0; i < cases; i += 500)
      yield Array.from({ length: Math.min(500, cases - i) }, (_, j) => ({
        subject: `Breach ${i + j}`,
        type: 'email' as const,
        teamId: org.teams[(i + j) % org.teams.length]!,
        status: 'new' as const,
        createdAt,
        customer: { name: `Customer ${i + j}`, email: `c${i + j}@bench.test` },
      }));
  };
  const ids = await importAll(a, org.adminToken, batches(), 2);
  const left = breachAt - Date.now();
  say(`imported ${ids.length} cases; ${Math.round(left / 1000)} s to the breach`);
  if (left < 3000) throw new Error(`the import ended ${Math.round(-left / 1000)} s too late for the breach: raise --margin`);

  // One listener per team (every case's team has one; an agent on several teams hears their cases too);
  // each breach is kept with when it was first heard, and a notice one stream hears twice is counted.
  const heard = new Map<string, number>();
  let duplicates = 0;
  const streams: { close(): void }[] = [];
  const listeners = new Set(org.teams.map((team) => org.members.get(team)![0]!));
  for (const who of listeners) {
    const mine = new Set<string>();
    streams.push(
      await openEvents(a.base, org.agents[who]!.token, (e) => {
        if (e.event !== 'case.sla_breached') return;
        const id = String(e.data.caseId);
        if (mine.has(id)) duplicates++;
        mine.add(id);
        if (!heard.has(id)) heard.set(id, Date.now());
      }),
    );
  }
  const deadline = breachAt + 600_000;
  while (heard.size < ids.length && Date.now() < deadline) await sleep(50);
  for (const s of streams) s.close();
  const lastHeard = Math.max(...heard.values());
  for (const s of servers.splice(0)) await s.stop();

  const check = await store.open();
  const events = await sql<{ n: number; cases: number; first: Date; last: Date; most: number }>`
    SELECT count(*)::int AS n, count(DISTINCT case_id)::int AS cases, min(created_at) AS first, max(created_at) AS last,
      coalesce((SELECT max(k) FROM (SELECT count(*)::int AS k FROM case_events WHERE type = 'case.sla_breached' GROUP BY case_id) x), 0) AS most
    FROM case_events WHERE type = 'case.sla_breached'`.execute(check.kysely);
  await check.close();
  const e = events.rows[0]!;
  const result = {
    db: o.db,
    processes: o.db === 'postgres' ? 2 : 1,
    cases: ids.length,
    heard: heard.size,
    duplicatesHeard: duplicates,
    allHeardAfterS: heard.size === ids.length ? Math.round((lastHeard - breachAt) / 100) / 10 : null,
    firstHeardAfterS: heard.size ? Math.round((Math.min(...heard.values()) - breachAt) / 100) / 10 : null,
    eventsRecorded: e.n,
    casesWithBreach: e.cases,
    mostEventsOnOneCase: e.most,
    recordedFromS: e.first ? Math.round((new Date(e.first).getTime() - breachAt) / 100) / 10 : null,
    recordedUntilS: e.last ? Math.round((new Date(e.last).getTime() - breachAt) / 100) / 10 : null,
    loadAverage: (await import('node:os')).loadavg().map((x) => Math.round(x * 10) / 10),
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  const file = path.join(o.outDir, `sla-breaches-${o.db}-${Date.now()}.json`);
  fs.writeFileSync(file, JSON.stringify(result, null, 2));
  say(`wrote ${file}`);
  const ok = result.heard === ids.length && result.eventsRecorded === ids.length && result.mostEventsOnOneCase === 1;
  if (!ok) say('FAILED: not every case had exactly one breach recorded');
  return ok ? 0 : 1;
}

async function main(): Promise<number> {
  const store = await createStore(o);
  const servers: Server[] = [];
  try {
    return await run(store, servers);
  } finally {
    for (const s of servers) await s.stop().catch(() => {});
    await store.drop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    say(`failed: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
