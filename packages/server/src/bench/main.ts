import fs from 'node:fs';
import path from 'node:path';
import { readOptions, type BenchOptions } from './options.ts';
import { createStore, seedOrg, vacuumAnalyze, type Org, type Store } from './org.ts';
import { cpuMeter, cpuPer, startServer, serverRss, ROOT, type Server } from './server.ts';
import { makeAgent, request } from './http.ts';
import { FIELD_DEFINITIONS, generateBatch, generateQueue } from './generate.ts';
import { importAll, measureList, measureMyWork, measureSearch, type Target } from './scenarios.ts';
import { measureClaimNext, measureStorm, pickClaimers, verifyClaims, type ClaimLedger } from './claims.ts';
import { measureLive } from './live.ts';
import { measureExport, measureReport } from './reports.ts';
import { measureFollowerBells, measureIngestion, measureNotificationList, seedNotifications } from './notifications.ts';
import { bareDatabase, measureLatency } from './latency.ts';
import { runPgbench } from './pgbench.ts';
import { measureHttpCeiling, measureSqlClaims } from './ceilings.ts';
import { mb, report, type Figures } from './report.ts';
import { Rng } from './stats.ts';
import type { ImportItem } from '../use-cases/import-validate.ts';

const say = (s: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}\n`);

function* history(org: Org, o: BenchOptions, nowMs: number, size: number): Generator<ImportItem[]> {
  const rng = new Rng(o.seed + 1);
  for (let from = 0; from < o.cases; from += size)
    yield generateBatch(org, rng, from, Math.min(size, o.cases - from), o.cases, nowMs, o.messagesPerCase);
}

/** Teams with at least `min` members, up to `n` of them, with `per` fresh new cases each. */
function freshCases(org: Org, rng: Rng, n: number, per: number, min: number, nowMs: number): ImportItem[] {
  const teams = org.teams.filter((t) => org.members.get(t)!.length >= min).slice(0, n);
  return generateQueue(
    rng,
    teams.flatMap((t) => Array<string>(per).fill(t)),
    teams.length * per,
    nowMs,
  );
}

/** Seconds of each of the two SQL claim phases. */
const sqlSeconds = (o: BenchOptions) => (o.smoke ? 1 : o.duration);

/**
 * Imports the history and measures where the CPU went, per case: the serving process, PostgreSQL
 * (its server processes; on the embedded database it runs inside the serving process) and this
 * load generator (building the items and the request bodies).
 */
async function timedImport(a: Target, org: Org, o: BenchOptions): Promise<Figures['import'] & { ids: string[] }> {
  const size = o.smoke ? 200 : 5000;
  const cpu = cpuMeter(a.pid, o.db === 'postgres');
  const t0 = Date.now();
  let messages = 0;
  function* counted(batches: Iterable<ImportItem[]>) {
    for (const b of batches) {
      for (const item of b) messages += item.messages?.length ?? 0;
      yield b;
    }
  }
  const ids = await importAll(a, org.adminToken, counted(history(org, o, Date.now(), size)), o.db === 'postgres' ? 2 : 1);
  const seconds = (Date.now() - t0) / 1000;
  return {
    cases: ids.length,
    seconds: Math.round(seconds * 10) / 10,
    perSecond: Math.round(ids.length / seconds),
    messages,
    ids,
    cpuUsPerCase: cpuPer(cpu(), ids.length, 1000, 1),
  };
}

async function references(a: Target, token: string, ids: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const id of ids) {
    const r = await request(a.agent, a.base, 'GET', `/api/v1/cases/${id}`, token);
    if (r.status === 200) out.push((JSON.parse(r.body) as { reference: string }).reference);
  }
  return out;
}

type Env = { dataDir?: string; databaseUrl?: string; logFile: string; traceFile?: string };
type Loaded = {
  org: Org;
  imported: Figures['import'] & { ids: string[] };
  claimers: number[];
  queueSize: number;
  probe: { references: string[] };
  rng: Rng;
  /** The agent given 10,000 notifications (null: this server has no notifications table). */
  notified: number | null;
};

/** Seeds the organisation, imports the history and a fresh queue for the claimers over HTTP. */
async function load(o: BenchOptions, store: Store, servers: Server[], env: Env): Promise<Loaded | null> {
  say(`seeding ${o.teams} teams and ${o.agents} agents`);
  const db = await store.open();
  const org = await seedOrg(db, o);
  await db.close();
  const srv = await startServer(env);
  servers.push(srv);
  const a: Target = { base: srv.base, agent: makeAgent(128), pid: srv.pid };
  for (const field of FIELD_DEFINITIONS) {
    const r = await request(a.agent, a.base, 'POST', '/api/v1/case-fields', org.adminToken, field);
    if (r.status !== 201) throw new Error(`defining field ${field.key} answered ${r.status}: ${r.body.slice(0, 300)}`);
  }
  if (o.sla) {
    const policy = { name: 'Bench service level', targets: { firstResponse: 60, nextResponse: 120, resolution: 1440 } };
    const r = await request(a.agent, a.base, 'POST', '/api/v1/sla-policies', org.adminToken, policy);
    if (r.status !== 201) throw new Error(`creating the SLA policy answered ${r.status}: ${r.body.slice(0, 300)}`);
    say('an SLA policy applies to every case');
  }
  say(`importing ${o.cases} cases through POST /api/v1/import/cases`);
  const imported = await timedImport(a, org, o);
  const c = imported.cpuUsPerCase;
  say(
    `imported at ${imported.perSecond} cases/s (CPU per case: server ${c?.server} µs, database ${c?.database ?? 'in the server'} µs, generator ${c?.generator} µs)`,
  );
  if (o.importOnly) return null;
  const rng = new Rng(o.seed + 2);
  const claimers = pickClaimers(org, o.claimers, o.seed + 3);
  const claimerTeams = [...new Set(claimers.flatMap((i) => org.agents[i]!.teamIds))];
  const queueSize = o.smoke ? 300 : Math.min(80_000, Math.max(4000, Math.round(o.duration * 5000)));
  await importAll(a, org.adminToken, inBatches(generateQueue(rng, claimerTeams, queueSize, Date.now()), 5000), 1);
  const probe = { references: await references(a, org.adminToken, imported.ids.slice(0, 20)) };
  await srv.stop();
  servers.pop();
  say('giving one agent 10,000 notifications');
  const ndb = await store.open();
  const notified = await seedNotifications(ndb, org, 10_000).catch((err: Error) => {
    say(`no notifications seeded: ${err.message}`);
    return null;
  });
  await ndb.close();
  return { org, imported, claimers, queueSize, probe, rng, notified };
}

/** Refreshes statistics with the server stopped, then cold-starts process A (and B on PostgreSQL). */
async function restart(o: BenchOptions, store: Store, servers: Server[], env: Env): Promise<{ a: Target; b: Target; coldStartMs: number }> {
  say('refreshing statistics (server stopped)');
  const db = await store.open();
  await vacuumAnalyze(db);
  await db.close();
  say('cold start');
  const srv = await startServer(env);
  servers.push(srv);
  const a: Target = { base: srv.base, agent: makeAgent(128), pid: srv.pid };
  if (o.db !== 'postgres') return { a, b: a, coldStartMs: srv.startMs };
  const other = await startServer(env);
  servers.push(other);
  return { a, b: { base: other.base, agent: makeAgent(16) }, coldStartMs: srv.startMs };
}

/** Every timed phase, in order; claims are recorded in `ledger` for the database check. */
async function measure(o: BenchOptions, L: Loaded, a: Target, b: Target, ledger: ClaimLedger, env: Env) {
  const { org, rng } = L;
  const cap = o.smoke ? 200 : 20_000;
  say('latency: one agent, one request at a time');
  const rounds = o.smoke ? 20 : 200;
  const who = L.claimers[0]!;
  const team = org.agents[who]!.teamIds[0]!;
  // Twice the rounds: the claims by id take the first half, claim-next finds the rest queued.
  const fresh = await importAll(a, org.adminToken, [generateQueue(rng, Array<string>(rounds * 2).fill(team), rounds * 2, Date.now())], 1);
  const latency = await measureLatency(a, org, who, fresh, rounds);
  // The same statements run directly (PostgreSQL; the embedded database is the server's own).
  if (o.db === 'postgres' && env.traceFile) await bareDatabase(env.databaseUrl!, env.traceFile, latency, o.smoke ? 10 : 50);
  say('measuring My Work, lists and search');
  const myWork = await measureMyWork(a, org, o.duration, o.concurrency, cap);
  const list = await measureList(a, org, o.duration, o.concurrency, cap);
  const search = await measureSearch(a, org, L.probe, o.duration, o.concurrency, cap);
  say('measuring the report summary (90 days, today, yesterday) and the CSV export');
  const report90 = await measureReport(a, org, 90, o.duration, o.concurrency, cap);
  const reportToday = await measureReport(a, org, 1, o.duration, o.concurrency, cap);
  const reportDay = await measureReport(a, org, 1, o.duration, o.concurrency, cap, 1);
  const exported = await measureExport(a, org);
  say(`claim-next with ${L.claimers.length} agents`);
  // Process B (PostgreSQL) idles meanwhile; its few ms of CPU are not counted.
  const cpu = cpuMeter(a.pid, o.db === 'postgres');
  const claimNext = await measureClaimNext(a, org, L.claimers, o.duration, ledger);
  claimNext.cpuMsPerClaim = cpuPer(cpu(), claimNext.claims, 1, 2);
  say(`HTTP ceiling with ${L.claimers.length} clients`);
  const httpCeiling = await measureHttpCeiling(a, L.claimers.length, o.duration);
  say('claim storm');
  const stormIds = await importAll(a, org.adminToken, [freshCases(org, rng, o.smoke ? 3 : 20, o.smoke ? 2 : 5, 4, Date.now())], 1);
  const storm = await measureStorm(a, org, await caseTeams(a, org.adminToken, stormIds), 16, ledger);
  say('live updates');
  const liveIds = await importAll(a, org.adminToken, [freshCases(org, rng, o.smoke ? 5 : 50, 2, 2, Date.now())], 1);
  const live = { ...(await measureLive(a, b, org, await caseTeams(a, org.adminToken, liveIds), ledger)), crossProcess: b !== a };
  say(`customer messages in (SMS webhooks, ${o.concurrency * 4} customers at once)`);
  const ingestion = await measureIngestion(a, org, o.duration, o.concurrency * 4);
  let notifications: Figures['notifications'] = null;
  if (L.notified !== null) {
    say('notifications: 50 followers hear of a customer message; the bell of 10,000');
    const followerBells = { ...(await measureFollowerBells(a, b, org, o.smoke ? 5 : 40)), crossProcess: b !== a };
    const list = await measureNotificationList(a, org, L.notified, o.smoke ? 40 : 400);
    notifications = { followerBells, list };
  }
  const rssMb = { a: mb(await serverRss(a.base)), b: b !== a ? mb(await serverRss(b.base)) : null };
  if (o.db === 'postgres') {
    // A fresh queue for the two SQL claim phases, which run after the servers stop: on a fast
    // machine the HTTP phase alone claims most of the first one, and calls that find the queue
    // empty would pass for a slow claim. Batched calls in SQL claim up to twice as fast as HTTP,
    // and each claimer draws on its own teams only, so the queue is several times what HTTP
    // claimed, and at least 5,000 per second of each SQL phase (HTTP may have stopped early on
    // an empty queue), shared out equally by claimer (split among the claimer's teams; a team of
    // several claimers gets a share from each).
    const teamsByClaimer = L.claimers.flatMap((i) => {
      const teams = org.agents[i]!.teamIds;
      return teams.flatMap((t) => Array<string>(Math.max(1, Math.round(6 / teams.length))).fill(t));
    });
    const size = Math.min(300_000, Math.max(L.queueSize, claimNext.claims * 6, sqlSeconds(o) * 2 * 5000));
    await importAll(a, org.adminToken, inBatches(generateQueue(rng, teamsByClaimer, size, Date.now()), 5000), 2);
  }
  return {
    latency,
    myWork,
    list,
    search,
    report90,
    reportToday,
    reportDay,
    exported,
    claimNext,
    httpCeiling,
    storm,
    live,
    ingestion,
    notifications,
    rssMb,
  };
}

async function run(o: BenchOptions, store: Store, servers: Server[]): Promise<number> {
  const traceFile = path.join(o.outDir, `statements-${o.db}.jsonl`);
  fs.rmSync(traceFile, { force: true });
  const env: Env = {
    dataDir: store.dataDir,
    databaseUrl: store.databaseUrl,
    logFile: path.join(o.outDir, `server-${o.db}.log`),
    traceFile,
  };
  const L = await load(o, store, servers, env);
  if (!L) return 0;
  const { a, b, coldStartMs } = await restart(o, store, servers, env);
  const ledger: ClaimLedger = new Map();
  const m = await measure(o, L, a, b, ledger, env);
  for (const s of servers.splice(0)) await s.stop();
  const db = await store.open();
  const verification = await verifyClaims(db, ledger);
  if (o.db === 'postgres') say('claims in SQL only (pgbench)');
  const sqlClaims = o.db === 'postgres' ? await measureSqlClaims(db, store.databaseUrl!, L.org, L.claimers, sqlSeconds(o)) : null;
  await db.close();
  const pgbench =
    o.db === 'postgres' ? await runPgbench(o.pgUrl, o.claimers, o.smoke ? 2 : Math.min(30, o.duration), o.smoke ? 1 : 10) : null;
  const { ids: _ids, ...importFigures } = L.imported;
  const lat = (t: typeof m.myWork) => ({ ...t.latency, errors: t.errors });
  const figures: Figures = {
    import: importFigures,
    coldStartMs,
    myWork: lat(m.myWork),
    list: lat(m.list),
    search: lat(m.search),
    reports: { days90: lat(m.report90), today: lat(m.reportToday), wholeDay: lat(m.reportDay) },
    export: m.exported,
    claimNext: m.claimNext,
    pgbench,
    storm: m.storm,
    verification,
    live: m.live,
    ingestion: m.ingestion,
    notifications: m.notifications,
    rssMb: m.rssMb,
    ceilings: { httpHealthzPerSecond: m.httpCeiling, sqlClaims },
    latency: m.latency,
  };
  const { file, failed } = report(o, figures, {
    statuses: {
      myWork: m.myWork.statuses,
      list: m.list.statuses,
      search: m.search.statuses,
      report90: m.report90.statuses,
      reportToday: m.reportToday.statuses,
      reportDay: m.reportDay.statuses,
    },
    scenarios: {
      list: m.list.scenarios,
      search: m.search.scenarios,
      'report 90 days': m.report90.scenarios,
      'report today': m.reportToday.scenarios,
      'report yesterday': m.reportDay.scenarios,
    },
  });
  say(`wrote ${file}`);
  if (m.myWork.errors + m.list.errors + m.search.errors + m.report90.errors + m.reportToday.errors + m.reportDay.errors > 0)
    failed.push('errors in the latency phases');
  if (failed.length) {
    say(`FAILED: ${failed.join(', ')}`);
    return 1;
  }
  return 0;
}

function* inBatches<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

async function caseTeams(a: Target, token: string, ids: string[]): Promise<{ id: string; teamId: string }[]> {
  const out: { id: string; teamId: string }[] = [];
  for (const id of ids) {
    const r = await request(a.agent, a.base, 'GET', `/api/v1/cases/${id}`, token);
    if (r.status === 200) out.push({ id, teamId: (JSON.parse(r.body) as { teamId: string }).teamId });
  }
  return out;
}

/** `npm run bench`: builds an organisation, loads it over HTTP, measures, prints one table, writes JSON. */
async function main(): Promise<number> {
  // `--attachments`: the attachment upload/download phase alone (bench/attachments.ts reads the rest).
  if (process.argv.includes('--attachments')) {
    await import('./attachments.ts');
    return new Promise<number>(() => {});
  }
  const o = readOptions(process.argv.slice(2));
  o.outDir = path.resolve(ROOT, o.outDir);
  fs.mkdirSync(o.outDir, { recursive: true });
  const store = await createStore(o);
  const servers: Server[] = [];
  const guard = setTimeout(
    () => {
      say('time limit reached: stopping');
      process.exit(2);
    },
    (o.smoke ? 300 : 3 * 3600) * 1000,
  );
  guard.unref();
  try {
    return await run(o, store, servers);
  } finally {
    for (const s of servers) await s.stop().catch(() => {});
    await store.drop().catch((err: Error) => say(`could not drop the database: ${err.message}`));
    if (o.keep) say(`kept the database: ${store.databaseUrl ?? store.dataDir}`);
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    say(`error: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
