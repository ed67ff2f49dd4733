import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startCasework, type CaseworkProcess } from '../test-support/casework-process.ts';
import { freePort, freePorts } from '../test-support/dovecot.ts';
import { key, Ledger, Observer, reliably, send } from '../test-support/drill-load.ts';

/**
 * The deployment drill (docs/OPERATIONS.md): three `casework serve` processes on one PostgreSQL
 * behind HAProxy, agents, customers and live streams working through it, while each process in
 * turn is restarted (zero failed requests, zero missed events), one is killed (requests in
 * flight may fail and are retried with their keys; nothing acknowledged is lost, no timer fires
 * twice) and PostgreSQL itself restarts (the processes reconnect, LISTEN included). A private
 * PostgreSQL cluster is started for it, so its restart touches nothing else. Loopback only,
 * bounded: each phase runs for seconds, and the figures are printed.
 */
const HAPROXY = '/usr/sbin/haproxy';
const PG_BIN = (() => {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const v = fs
    .readdirSync(root)
    .filter((d) => fs.existsSync(path.join(root, d, 'bin/initdb')))
    .sort((a, b) => Number(b) - Number(a))[0];
  return v ? path.join(root, v, 'bin') : null;
})();
const missing = !fs.existsSync(HAPROXY) ? 'HAProxy (Debian haproxy)' : !PG_BIN ? 'PostgreSQL server binaries (Debian postgresql)' : null;
if (missing) console.warn(`deployment drill skipped: ${missing} is not installed`);

const ADMIN = { email: 'drill-admin@drill.test', password: 'drill-admin-password' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A PostgreSQL cluster of the test's own (initdb, pg_ctl), on a free loopback port. */
async function privatePostgres() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-drill-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    fs.chownSync(dir, uid, gid);
  }
  const run = (cmd: string, args: string[]) =>
    execFileSync(asRoot ? 'runuser' : path.join(PG_BIN!, cmd), asRoot ? ['-u', 'postgres', '--', path.join(PG_BIN!, cmd), ...args] : args, {
      cwd: dir,
      stdio: 'pipe',
    });
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=100`;
  const log = path.join(dir, 'postgres.log');
  run('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '120', '-o', opts, 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart: () => run('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '120', '-m', 'fast', '-o', opts, 'restart']),
    stop: () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        /* not running */
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** HAProxy in front of the processes, with the settings docs/OPERATIONS.md recommends (checks every 250 ms). */
async function startHaproxy(ports: number[]) {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-drill-lb-'));
  const cfg = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(
    cfg,
    `global
  maxconn 2000
defaults
  mode http
  option forwardfor
  option http-server-close
  timeout connect 2s
  timeout client 75s
  timeout server 75s
  timeout http-request 10s
  timeout check 5s
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response
frontend web
  bind 127.0.0.1:${port}
  default_backend servers
backend servers
  balance leastconn
  option httpchk GET /readyz
  http-check expect status 200
  default-server inter 250ms fall 2 rise 2
${ports.map((p, i) => `  server app${i + 1} 127.0.0.1:${p} check`).join('\n')}
`,
  );
  const child: ChildProcess = spawn(HAPROXY, ['-db', '-f', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`haproxy exited:\n${out}`);
    const ok = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 600) throw new Error(`haproxy did not route to a ready process:\n${out}`);
    await sleep(100);
  }
  return {
    base,
    stop: () => {
      child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe.runIf(!missing)('deployment drill: three processes behind HAProxy on one PostgreSQL', () => {
  const procs: CaseworkProcess[] = [];
  let db: Awaited<ReturnType<typeof privatePostgres>> | undefined;
  let lb: Awaited<ReturnType<typeof startHaproxy>> | undefined;
  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    lb?.stop();
    db?.stop();
  }, 60_000);

  it('a rolling restart fails no request and misses no event; a crash and a database restart lose nothing acknowledged', async () => {
    db = await privatePostgres();
    const ports = await freePorts(3);
    const env = {
      DATABASE_URL: db.url,
      CASEWORK_DB_POOL: '6',
      CASEWORK_ADMIN_EMAIL: ADMIN.email,
      CASEWORK_ADMIN_PASSWORD: ADMIN.password,
      CASEWORK_RATE_LIMIT: '1000000',
      CASEWORK_LOGIN_RATE_LIMIT: '1000',
      CASEWORK_TRUST_PROXY: '1',
      CASEWORK_SHUTDOWN_DELAY_MS: '2500',
    };
    const start = (i: number) => startCasework(`app${i + 1}`, ports[i]!, env, 300_000);
    // The first process migrates; the others wait for it.
    procs.push(await start(0));
    procs.push(...(await Promise.all([start(1), start(2)])));
    lb = await startHaproxy(ports);
    const base = lb.base;
    const sql = async (q: string, params: unknown[] = []) => {
      const c = new pg.Client({ connectionString: db!.url });
      await c.connect();
      try {
        return (await c.query(q, params)).rows;
      } finally {
        await c.end();
      }
    };

    // The organisation, through the balancer.
    const login = await send(base, 'POST', '/api/v1/auth/login', { body: ADMIN });
    const cookie = String(login.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
    const adminToken = (await send(base, 'POST', '/api/v1/tokens', { headers: { cookie }, body: { name: 'drill' } })).data.token as string;
    const team = (await send(base, 'POST', '/api/v1/teams', { token: adminToken, body: { name: 'Drill' } })).data.id as string;
    const agentTokens: string[] = [];
    for (let i = 0; i < 3; i++) {
      const email = `agent${i}@drill.test`;
      const made = await send(base, 'POST', '/api/v1/users', {
        token: adminToken,
        body: { email, name: `Agent ${i}`, password: 'drill-agent-password', role: 'agent', teamIds: [team] },
      });
      expect(made.status).toBe(201);
      const l = await send(base, 'POST', '/api/v1/auth/login', { body: { email, password: 'drill-agent-password' } });
      const c = String(l.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
      agentTokens.push(
        (await send(base, 'POST', '/api/v1/tokens', { headers: { cookie: c }, body: { name: 'drill' } })).data.token as string,
      );
    }
    const chat = await send(base, 'POST', '/api/v1/channels', {
      token: adminToken,
      body: { type: 'web_connect', name: 'Drill chat', teamId: team, settings: { title: 'Drill' } },
    });
    expect(chat.status).toBe(201);

    // Live streams: supervisors' browsers (the admin sees every case), reconnecting as EventSource does.
    const observers = [new Observer(base, adminToken), new Observer(base, adminToken), new Observer(base, adminToken)];
    await Promise.all(observers.map((o) => o.start()));
    const [{ max: firstEvent }] = await sql('SELECT coalesce(max(id), 0)::text AS max FROM case_events');

    // The load: agents create, claim and answer cases; customers write in their chats.
    const ledger = new Ledger();
    const acked = { cases: [] as string[], replies: [] as string[], chats: [] as string[] };
    let running = true;
    const agent = async (token: string) => {
      while (running) {
        const made = await reliably(ledger, base, 'POST', '/api/v1/cases', {
          token,
          body: { subject: `Drill ${key()}`, teamId: team },
          headers: { 'idempotency-key': key() },
        });
        if (!made) continue;
        acked.cases.push(made.data.id);
        const id = made.data.id as string;
        await reliably(
          ledger,
          base,
          'POST',
          `/api/v1/cases/${id}/claim`,
          { token },
          (a, attempt) => a.status === 200 || (attempt > 0 && a.status === 409),
        );
        const reply = await reliably(ledger, base, 'POST', `/api/v1/cases/${id}/messages`, {
          token,
          body: { body: 'On it.' },
          headers: { 'idempotency-key': key() },
        });
        if (reply) acked.replies.push(reply.data.id);
        await sleep(150); // a person's pace, not a flood: the drill is about restarts, not throughput
      }
    };
    const customer = async (n: number) => {
      const started = await reliably(ledger, base, 'POST', '/api/v1/chat/sessions', {
        body: { channelKey: chat.data.publicKey, name: `Customer ${n}`, email: `c${n}@cust.test`, message: 'Hello?' },
      });
      if (!started) return;
      const { id, token } = started.data as { id: string; token: string };
      while (running) {
        const m = await reliably(ledger, base, 'POST', `/api/v1/chat/sessions/${id}/messages`, {
          headers: { 'x-chat-token': token },
          body: { body: `Still there? ${key()}`, clientMessageId: key() },
        });
        if (m) acked.chats.push(m.data.id);
        await sleep(1100); // a chat session takes 60 messages a minute
      }
    };
    const load = [...agentTokens.map(agent), customer(1), customer(2)];
    await sleep(3000);
    const figures: Record<string, unknown>[] = [];
    const phase = (name: string) => {
      ledger.phase = name;
      return Date.now();
    };

    // 1. Rolling restart: each process in turn gets SIGTERM, exits, and comes back.
    let began = phase('rolling restart');
    for (let i = 0; i < procs.length; i++) {
      const old = procs[i]!;
      old.child.kill('SIGTERM');
      expect(await old.exited).toBe(0);
      procs[i] = await start(i);
      await sleep(1500); // back in the balancer (two good checks)
    }
    figures.push({ phase: 'rolling restart', seconds: (Date.now() - began) / 1000 });

    // 2. Crash: cases set to wake in a few seconds, then one process is killed mid-load and restarted.
    began = phase('crash');
    const sleepers: string[] = [];
    let firstWake = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 10; i++) {
      const c = await reliably(ledger, base, 'POST', '/api/v1/cases', {
        token: agentTokens[0]!,
        body: { subject: `Sleeper ${i}`, teamId: team },
        headers: { 'idempotency-key': key() },
      });
      const id = c!.data.id as string;
      await reliably(
        ledger,
        base,
        'POST',
        `/api/v1/cases/${id}/claim`,
        { token: agentTokens[0]! },
        (a, n) => a.status === 200 || (n > 0 && a.status === 409),
      );
      const wakeAt = Date.now() + 3000;
      firstWake = Math.min(firstWake, wakeAt);
      await reliably(ledger, base, 'POST', `/api/v1/cases/${id}/wait`, {
        token: agentTokens[0]!,
        body: { wakeAt: new Date(wakeAt).toISOString() },
      });
      sleepers.push(id);
    }
    await sleep(Math.max(0, firstWake - Date.now() - 300));
    procs[1]!.child.kill('SIGKILL');
    await procs[1]!.exited;
    const killedAt = Date.now();
    procs[1] = await start(1);
    figures.push({ phase: 'crash', seconds: (Date.now() - began) / 1000, 'killed process back after s': (Date.now() - killedAt) / 1000 });
    for (let i = 0; i < 100; i++) {
      const [{ n }] = await sql(`SELECT count(*)::int AS n FROM cases WHERE id = ANY($1::uuid[]) AND status = 'waiting'`, [sleepers]);
      if (n === 0) break;
      await sleep(200);
    }

    // 3. PostgreSQL restarts under load: the processes reconnect by themselves.
    began = phase('database restart');
    const restartAt = Date.now();
    db.restart();
    const restartedIn = (Date.now() - restartAt) / 1000;
    for (let i = 0; i < 300; i++) {
      if ((await send(base, 'GET', '/api/v1/me', { token: adminToken }).catch(() => null))?.status === 200) break;
      await sleep(100);
    }
    const servingAgainAfter = (Date.now() - restartAt) / 1000;
    await sleep(3000);
    figures.push({ phase: 'database restart', 'postgres restart s': restartedIn, 'serving again after s': servingAgainAfter });

    running = false;
    await Promise.all(load);
    const [{ max: lastEvent }] = await sql('SELECT coalesce(max(id), 0)::text AS max FROM case_events');
    const expected = (await sql('SELECT id::text AS id FROM case_events WHERE id > $1 AND id <= $2', [firstEvent, lastEvent])).map(
      (r) => r.id as string,
    );
    for (let i = 0; i < 100 && observers.some((o) => expected.some((id) => !o.received.has(id))); i++) await sleep(200);
    for (const o of observers) o.stop();
    const missed = observers.map((o) => expected.filter((id) => !o.received.has(id)).length);
    // Where a stream missed events: which, when they were written, and where it resumed from.
    const missedWhere = await Promise.all(
      observers.map(async (o, i) => {
        const ids = expected.filter((id) => !o.received.has(id));
        if (!ids.length) return null;
        const [span] = await sql(
          `SELECT min(id)::text AS first, max(id)::text AS last, min(created_at)::text AS from_at, max(created_at)::text AS to_at,
             array_agg(DISTINCT type) AS types FROM case_events WHERE id = ANY($1::bigint[])`,
          [ids],
        );
        return { stream: i, missed: ids.length, ...span, resumedFrom: o.resumedFrom, resyncs: o.resyncs };
      }),
    );

    // Each process's live figures (events told late, notices heard, listening) and its warnings about them.
    const liveByProcess = await Promise.all(
      procs.map(async (p) => {
        const metrics = await fetch(`${p.base}/metrics`)
          .then((r) => r.text())
          .catch(() => '');
        const figure = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(metrics)?.[1] ?? -1);
        return {
          name: p.name,
          late: figure('casework_live_events_late_total'),
          heard: figure('casework_live_notices_heard_total'),
          listening: figure('casework_database_listening'),
          warnings: p
            .output()
            .split('\n')
            .filter((l) => /announce|sweep|missed|live/i.test(l))
            .slice(-5),
        };
      }),
    );

    // Every acknowledged write is there, once.
    const cases = await sql('SELECT id::text AS id FROM cases WHERE id = ANY($1::uuid[])', [acked.cases]);
    const replies = await sql('SELECT id::text AS id FROM messages WHERE id = ANY($1::uuid[])', [[...acked.replies, ...acked.chats]]);
    const doubledSubjects = await sql(
      `SELECT subject, count(*)::int AS n, array_agg(created_at::text ORDER BY created_at) AS at
         FROM cases WHERE subject LIKE 'Drill %' GROUP BY subject HAVING count(*) > 1`,
    );
    const doubled = doubledSubjects.length;
    const wakes = await sql(
      `SELECT case_id::text AS id, count(*)::int AS n FROM case_events
        WHERE case_id = ANY($1::uuid[]) AND type = 'case.status_changed' AND data->>'from' = 'waiting' GROUP BY case_id`,
      [sleepers],
    );
    const byPhase = Object.fromEntries([...ledger.byPhase].map(([p, f]) => [p, `${f.requests} requests, ${f.failures} failed`]));
    console.log(
      `deployment drill:\n${JSON.stringify(
        {
          figures,
          requests: ledger.requests,
          failedAttempts: ledger.failures,
          gaveUp: ledger.gaveUp,
          byPhase,
          acknowledged: { cases: acked.cases.length, replies: acked.replies.length, chatMessages: acked.chats.length },
          events: expected.length,
          missedPerStream: missed,
          missedWhere: missedWhere.filter(Boolean),
          liveByProcess,
          reconnects: observers.map((o) => o.reconnects),
          reconnectHints: observers.map((o) => o.hints),
          recoveryMs: observers.flatMap((o) => o.recoveries),
          why: ledger.why.slice(0, 10),
          gaveUpOn: ledger.gaveUpOn,
        },
        null,
        2,
      )}`,
    );

    expect(ledger.byPhase.get('rolling restart')?.requests ?? 0).toBeGreaterThan(0);
    // One line each, so the test run's closing list of failures says why.
    expect(ledger.byPhase.get('rolling restart')?.failures, ledger.why.join(' | ')).toBe(0);
    expect(ledger.gaveUp, `gave up on: ${ledger.gaveUpOn.join(' | ')}`).toBe(0);
    expect(cases).toHaveLength(acked.cases.length);
    expect(replies).toHaveLength(acked.replies.length + acked.chats.length);
    expect(doubled, `cases made twice: ${JSON.stringify(doubledSubjects)}`).toBe(0);
    expect(wakes.map((w) => w.n)).toEqual(sleepers.map(() => 1));
    expect(expected.length).toBeGreaterThan(0);
    expect(missed, `missed: ${JSON.stringify(missedWhere.filter(Boolean))}; processes: ${JSON.stringify(liveByProcess)}`).toEqual(
      observers.map(() => 0),
    );
    expect(observers.every((o) => o.hints > 0)).toBe(true);
  }, 900_000);
});
