import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BUILT_IN_ROLES } from '@casework/domain';
import { readOptions } from './options.ts';
import { createStore, seedOrg } from './org.ts';
import { startServer, type Server } from './server.ts';
import { latency, Rng, sleep } from './stats.ts';

/**
 * Many connected agents (`npm run bench:live`): 5,000 live streams, each its own agent on 1–3
 * of 250 teams, spread over two server processes on one PostgreSQL. Cases are created through
 * process A; for each, the time from sending the request to the `case.created` event's arrival
 * at every stream whose agent may see it (its teams, and supervisors, who see every case), the
 * servers' memory per stream and CPU per delivered event, and how many streams each process
 * judged per notice (the fan-out's cost: the audience, not every connection).
 */
const say = (s: string) => process.stderr.write(`[bench:live ${new Date().toISOString().slice(11, 19)}] ${s}\n`);

type Stream = { agent: number; req: http.ClientRequest };

async function metrics(base: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^([a-z_]+) ([0-9.e+-]+)$/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

function cpuMs(pid: number): number {
  const f = fs
    .readFileSync(`/proc/${pid}/stat`, 'utf8')
    .slice(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').lastIndexOf(') ') + 2)
    .split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      clients: { type: 'string' },
      teams: { type: 'string' },
      changes: { type: 'string' },
      rate: { type: 'string' },
      'pg-url': { type: 'string' },
    },
  });
  const clients = Number(values.clients ?? 5000);
  const teams = Number(values.teams ?? 250);
  const changes = Number(values.changes ?? 200);
  const rate = Number(values.rate ?? 10);
  const o = readOptions([
    '--db',
    'postgres',
    '--teams',
    String(teams),
    '--agents',
    String(clients),
    ...(values['pg-url'] ? ['--pg-url', values['pg-url']] : []),
  ]);
  const store = await createStore(o);
  const servers: Server[] = [];
  const streams: Stream[] = [];
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-bench-live-'));
  try {
    say(`seeding ${clients} agents on ${teams} teams`);
    const db = await store.open();
    const org = await seedOrg(db, o);
    await db.close();
    const env = { databaseUrl: store.databaseUrl!, logFile: path.join(logDir, 'server.log') };
    servers.push(await startServer(env), await startServer(env));
    const [a, b] = servers as [Server, Server];
    await sleep(2000);
    const before = await Promise.all(servers.map((s) => metrics(s.base)));
    const seesAll = BUILT_IN_ROLES.supervisor.permissions.includes('case.view_all');
    const supervisors = org.agents.map((_, i) => i).filter((i) => i % 20 === 0);

    // Arrivals: which stream heard of which case, how long after its request was sent. Requests go
    // one at a time, so an event that arrives before its answer belongs to the request in flight.
    const sentAt = new Map<string, number>();
    let inFlight = 0;
    const arrivals: { id: string; agent: number; ms: number }[] = [];
    const caseTeam = new Map<string, string>();
    const onEvent = (agent: number, block: string) => {
      if (!block.includes('event: case.created')) return;
      const m = /"caseId":"([^"]+)"/.exec(block);
      if (!m) return;
      arrivals.push({ id: m[1]!, agent, ms: performance.now() - (sentAt.get(m[1]!) ?? inFlight) });
    };
    const agentHttp = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
    say(`opening ${clients} live streams, half on each process`);
    const t0 = Date.now();
    for (let from = 0; from < clients; from += 250) {
      const batch: Promise<void>[] = [];
      for (let i = from; i < Math.min(clients, from + 250); i++) {
        const target = i % 2 === 0 ? a : b;
        batch.push(
          new Promise<void>((resolve, reject) => {
            const req = http.get(`${target.base}/api/v1/events`, {
              agent: agentHttp,
              headers: { authorization: `Bearer ${org.agents[i]!.token}`, accept: 'text/event-stream' },
            });
            req.on('error', reject);
            req.on('response', (res) => {
              if (res.statusCode !== 200) return reject(new Error(`stream ${i}: ${res.statusCode}`));
              res.setEncoding('utf8');
              let buf = '';
              let ready = false;
              res.on('data', (c: string) => {
                buf += c;
                for (let k = buf.indexOf('\n\n'); k >= 0; k = buf.indexOf('\n\n')) {
                  const block = buf.slice(0, k);
                  buf = buf.slice(k + 2);
                  if (!ready && block.includes('event: ready')) {
                    ready = true;
                    resolve();
                  } else onEvent(i, block);
                }
              });
            });
            streams.push({ agent: i, req });
          }),
        );
      }
      await Promise.all(batch);
    }
    const connectS = (Date.now() - t0) / 1000;
    await sleep(3000);
    const connected = await Promise.all(servers.map((s) => metrics(s.base)));
    say(`connected in ${connectS.toFixed(1)} s; ${connected.map((m) => m.casework_live_clients).join(' + ')} streams`);

    // Changes: one case at a time in a random team, `rate` a second, through process A.
    const rng = new Rng(7);
    const cpu0 = servers.map((s) => cpuMs(s.pid));
    const judged0 = connected.map((m) => m.casework_live_streams_judged_total ?? 0);
    const heard0 = connected.map((m) => m.casework_live_notices_heard_total ?? 0);
    let expected = 0;
    const post = new http.Agent({ keepAlive: true, maxSockets: 4 });
    const started = Date.now();
    for (let k = 0; k < changes; k++) {
      const team = rng.pick(org.teams);
      const audience = new Set([...org.members.get(team)!, ...(seesAll ? supervisors : [])]);
      expected += audience.size;
      const t = performance.now();
      inFlight = t;
      const id = await new Promise<string>((resolve, reject) => {
        const body = JSON.stringify({ subject: `Live ${k}`, teamId: team });
        const req = http.request(`${a.base}/api/v1/cases`, {
          method: 'POST',
          agent: post,
          headers: { authorization: `Bearer ${org.adminToken}`, 'content-type': 'application/json' },
        });
        req.on('response', (res) => {
          let text = '';
          res.on('data', (c) => {
            text += c;
          });
          res.on('end', () => (res.statusCode === 201 ? resolve(JSON.parse(text).id) : reject(new Error(`${res.statusCode} ${text}`))));
        });
        req.on('error', reject);
        req.end(body);
      });
      sentAt.set(id, t);
      caseTeam.set(id, team);
      const wait = started + ((k + 1) * 1000) / rate - Date.now();
      if (wait > 0) await sleep(wait);
    }
    await sleep(3000);
    const cpu = servers.map((s, i) => cpuMs(s.pid) - cpu0[i]!);
    const after = await Promise.all(servers.map((s) => metrics(s.base)));
    const judged = after.map((m, i) => (m.casework_live_streams_judged_total ?? 0) - judged0[i]!);
    const heard = after.map((m, i) => (m.casework_live_notices_heard_total ?? 0) - heard0[i]!);
    const lat = latency(arrivals.map((x) => x.ms));
    const unexpected = arrivals.filter(
      (x) => !org.agents[x.agent]!.teamIds.includes(caseTeam.get(x.id)!) && !(seesAll && x.agent % 20 === 0),
    ).length;
    const perConn = servers.map(
      (_, i) => (connected[i]!.process_resident_memory_bytes! - before[i]!.process_resident_memory_bytes!) / (clients / 2),
    );
    const heapPerConn = servers.map((_, i) => (connected[i]!.nodejs_heap_used_bytes! - before[i]!.nodejs_heap_used_bytes!) / (clients / 2));
    const [load1, load5] = os.loadavg();
    const lines = [
      '',
      `Many connected agents: ${clients} live streams over 2 processes (PostgreSQL), ${teams} teams, ${changes} cases created at ${rate}/s`,
      `  load average at the end: ${load1!.toFixed(1)} (1 min), ${load5!.toFixed(1)} (5 min) on ${os.cpus().length} cores`,
      `  connecting all streams: ${connectS.toFixed(1)} s`,
      `  change → arrival at each stream that may see it: n=${lat.n} of ${expected} expected, p50 ${lat.p50} ms, p95 ${lat.p95} ms, p99 ${lat.p99} ms, max ${lat.max} ms; at a stream that may not see it: ${unexpected}`,
      `  memory per stream (resident, growth while connecting): A ${(perConn[0]! / 1024).toFixed(1)} KB, B ${(perConn[1]! / 1024).toFixed(1)} KB; JS heap ${(heapPerConn[0]! / 1024).toFixed(1)} / ${(heapPerConn[1]! / 1024).toFixed(1)} KB`,
      `  CPU per delivered event (both processes, including creating the cases): ${(((cpu[0]! + cpu[1]!) * 1000) / Math.max(1, lat.n)).toFixed(1)} µs (A ${cpu[0]!.toFixed(0)} ms, B ${cpu[1]!.toFixed(0)} ms)`,
      `  fan-out: streams judged per notice: A ${(judged[0]! / Math.max(1, heard[0]!)).toFixed(1)}, B ${(judged[1]! / Math.max(1, heard[1]!)).toFixed(1)} of ${clients / 2} connected (audience per case ≈ ${(expected / changes / 2).toFixed(1)} per process)`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
  } finally {
    for (const s of streams) s.req.destroy();
    for (const s of servers) await s.stop();
    await store.drop();
    fs.rmSync(logDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(err.stack ?? err.message);
    process.exit(1);
  },
);
