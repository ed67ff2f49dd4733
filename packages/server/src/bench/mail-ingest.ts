/**
 * `npm run bench:mail -- [--db pglite|postgres] [--messages N] [--smoke]`: IMAP ingest from a real
 * Dovecot on loopback into cases, through `casework serve` processes. Puts N mails in a mailbox,
 * points an email channel at it and measures messages per second until every one is a case
 * (one server process); on PostgreSQL it then repeats with two server processes fetching one
 * mailbox and checks that no mail became two cases. Skips with a note when Dovecot is absent.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ADMIN, startServer, type Server } from './server.ts';
import { adminQuery } from './org.ts';
import { uuidv7 } from '../ids.ts';
import { dovecotMissing, startDovecot, type Dovecot } from '../test-support/dovecot.ts';
import { plainMail } from '../test-support/real-world-mail.ts';

const say = (s: string) => process.stderr.write(`[bench:mail ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'pglite' },
    messages: { type: 'string' },
    smoke: { type: 'boolean', default: false },
    'pg-url': { type: 'string' },
  },
});
const db = values.db === 'postgres' ? 'postgres' : 'pglite';
const n = Number(values.messages ?? (values.smoke ? 100 : 1000));
const pgUrl = values['pg-url'] ?? process.env.CASEWORK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

type Api = <T>(method: string, p: string, body?: unknown) => Promise<T>;
async function session(base: string): Promise<Api> {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  if (!login.ok) throw new Error(`login: ${login.status}`);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return async <T>(method: string, p: string, body?: unknown) => {
    const r = await fetch(`${base}/api/v1${p}`, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (r.status >= 300) throw new Error(`${method} ${p}: ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  };
}

type Store = { env: { dataDir?: string; databaseUrl?: string }; drop(): Promise<void> };
async function store(): Promise<Store> {
  if (db === 'pglite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-bench-mail-'));
    return { env: { dataDir: dir }, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `casework_bench_mail_${uuidv7().replace(/-/g, '').slice(-12)}`;
  await adminQuery(pgUrl, `CREATE DATABASE ${name}`);
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  return { env: { databaseUrl: url.toString() }, drop: () => adminQuery(pgUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Fills a fresh mailbox, connects a channel and times until `n` cases came from it. */
async function ingest(dovecot: Dovecot, servers: Server[], tag: string): Promise<{ seconds: number; perSecond: number; cases: number }> {
  const user = `bench-${tag}@acme.test`;
  await dovecot.addUser(user, 'bench-pw');
  for (let i = 0; i < n; i += 200) {
    await dovecot.append(
      user,
      'bench-pw',
      Array.from({ length: Math.min(200, n - i) }, (_, j) => plainMail(user, `${tag}-${i + j}`)),
    );
  }
  const api = await session(servers[0]!.base);
  const team = await api<{ id: string }>('POST', '/teams', { name: `Mail ${tag}` });
  const t0 = Date.now();
  const ch = await api<{ id: string }>('POST', '/channels', {
    type: 'email',
    name: `Bench ${tag}`,
    teamId: team.id,
    settings: { address: user, imap: { host: dovecot.host, port: dovecot.imapPort, security: 'starttls', user, password: 'bench-pw' } },
  });
  let fetched = 0;
  for (;;) {
    const c = await api<{ mailFetch: { fetchedCount: number; lastError: string | null } }>('GET', `/channels/${ch.id}`);
    fetched = c.mailFetch.fetchedCount;
    if (fetched >= n) break;
    if (Date.now() - t0 > 600_000) throw new Error(`only ${fetched} of ${n} taken (${c.mailFetch.lastError ?? 'no error'})`);
    await sleep(100);
  }
  const seconds = (Date.now() - t0) / 1000;
  await sleep(1000); // anything taken twice would show up now
  const listed = await api<{ total?: number; cases: unknown[] }>('GET', `/cases?teamId=${team.id}&limit=1`);
  const cases = listed.total ?? -1;
  return { seconds: Math.round(seconds * 10) / 10, perSecond: Math.round(n / seconds), cases };
}

async function main(): Promise<void> {
  if (dovecotMissing) {
    say(`skipped: ${dovecotMissing}`);
    return;
  }
  const dovecot = await startDovecot();
  const caFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'casework-bench-ca-')), 'ca.pem');
  fs.writeFileSync(caFile, dovecot.cert);
  Object.assign(process.env, { CASEWORK_MAIL_CA_FILE: caFile, CASEWORK_OUTBOUND_ALLOW: '127.0.0.0/8', CASEWORK_IMAP_SCAN_MS: '200' });
  const s = await store();
  const logFile = path.join(os.tmpdir(), `casework-bench-mail-${process.pid}.log`);
  const servers: Server[] = [];
  try {
    servers.push(await startServer({ ...s.env, logFile }));
    say(`${db}: ${n} mails, one server process`);
    const one = await ingest(dovecot, servers, 'one');
    const figures: Record<string, unknown> = { db, messages: n, oneProcess: one };
    if (db === 'postgres') {
      servers.push(await startServer({ ...s.env, logFile }));
      say(`${db}: ${n} mails, two server processes`);
      figures.twoProcesses = await ingest(dovecot, servers, 'two');
    }
    console.log(JSON.stringify(figures, null, 2));
    const bad = [one, figures.twoProcesses as typeof one | undefined].filter((f) => f && f.cases !== n);
    if (bad.length) throw new Error(`cases ≠ mails: ${JSON.stringify(bad)}`);
  } finally {
    for (const server of servers) await server.stop();
    await s.drop();
    await dovecot.stop();
    fs.rmSync(path.dirname(caFile), { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
