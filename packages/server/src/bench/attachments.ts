/**
 * `npm run bench:attachments -- [--db pglite|postgres] [--files N] [--mb N] [--smoke]` (also
 * `npm run bench -- --attachments …`): attachment upload and download through a `casework serve`
 * process. Uploads N files of M MiB (POST /api/v1/uploads, multipart) one after another and four
 * at a time, downloads each (GET /api/v1/attachments/:id), checks the bytes, and samples the
 * server's resident memory every 25 ms to show it stays flat (files are streamed in 1 MiB chunks).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ADMIN, startServer, type Server } from './server.ts';
import { adminQuery } from './org.ts';
import { uuidv7 } from '../ids.ts';

const say = (s: string) => process.stderr.write(`[bench:attachments ${new Date().toISOString().slice(11, 19)}] ${s}\n`);

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--attachments'),
  options: {
    db: { type: 'string', default: 'pglite' },
    files: { type: 'string' },
    mb: { type: 'string' },
    smoke: { type: 'boolean', default: false },
    'pg-url': { type: 'string' },
  },
});
const db = values.db === 'postgres' ? 'postgres' : 'pglite';
const files = Number(values.files ?? (values.smoke ? 4 : 20));
const bytes = Math.round(Number(values.mb ?? (values.smoke ? 2 : 10)) * 1024 * 1024);
const pgUrl = values['pg-url'] ?? process.env.CASEWORK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function login(base: string): Promise<string> {
  const r = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  if (!r.ok) throw new Error(`login: ${r.status}`);
  return r.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

/** Resident memory of a process from /proc, sampled until stopped: the highest value seen. */
function rssSampler(pid: number): { stop(): number } {
  const read = () => {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  };
  let peak = read();
  const timer = setInterval(() => {
    peak = Math.max(peak, read());
  }, 25);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, read());
    },
  };
}

const mib = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
const rssNow = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

async function upload(base: string, cookie: string, file: Blob, name: string): Promise<string> {
  const form = new FormData();
  form.append('file', file, name);
  const r = await fetch(`${base}/api/v1/uploads`, { method: 'POST', headers: { cookie }, body: form });
  if (r.status !== 201) throw new Error(`upload: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { id: string }).id;
}

async function download(base: string, cookie: string, id: string): Promise<{ size: number; sha: string }> {
  const r = await fetch(`${base}/api/v1/attachments/${id}`, { headers: { cookie } });
  if (r.status !== 200 || !r.body) throw new Error(`download: ${r.status}`);
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of r.body) {
    size += chunk.length;
    hash.update(chunk);
  }
  return { size, sha: hash.digest('hex') };
}

/** Runs `n` jobs with `parallel` at a time; returns MB/s over the wall time and the server's peak RSS. */
async function phase(server: Server, n: number, parallel: number, job: (i: number) => Promise<unknown>) {
  const rss = rssSampler(server.pid);
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < n) await job(next++);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return { mbPerSecond: Math.round(mib(n * bytes) / seconds), seconds: Math.round(seconds * 100) / 100, peakRssMiB: mib(rss.stop()) };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-bench-att-'));
  const name = `casework_bench_att_${uuidv7().replace(/-/g, '').slice(-12)}`;
  if (db === 'postgres') await adminQuery(pgUrl, `CREATE DATABASE ${name}`);
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  const server = await startServer({
    ...(db === 'postgres' ? { databaseUrl: url.toString() } : { dataDir: dir }),
    logFile: path.join(dir, 'server.log'),
  });
  try {
    const cookie = await login(server.base);
    const content = Buffer.alloc(bytes);
    for (let i = 0; i < bytes; i += 4) content.writeUInt32LE((i * 2654435761) >>> 0, i);
    const blob = new Blob([content]);
    const sha = createHash('sha256').update(content).digest('hex');
    // Warm up (first statements, JIT), then measure.
    await download(server.base, cookie, await upload(server.base, cookie, blob, 'warm.bin'));
    const baseline = mib(rssNow(server.pid));
    say(`${db}: ${files} files of ${mib(bytes)} MiB; server RSS at rest ${baseline} MiB`);
    const ids: string[] = [];
    const up1 = await phase(server, files, 1, async (i) => ids.push(await upload(server.base, cookie, blob, `f${i}.bin`)));
    const up4 = await phase(server, files, 4, async (i) => ids.push(await upload(server.base, cookie, blob, `g${i}.bin`)));
    const check = async (i: number) => {
      const got = await download(server.base, cookie, ids[i]!);
      if (got.size !== bytes || got.sha !== sha) throw new Error(`file ${ids[i]} came back different`);
    };
    const down1 = await phase(server, files, 1, check);
    const down4 = await phase(server, files, 4, (i) => check(files + i));
    const figures = {
      db,
      files,
      fileMiB: mib(bytes),
      rssAtRestMiB: baseline,
      upload: { oneClient: up1, fourClients: up4 },
      download: { oneClient: down1, fourClients: down4 },
      loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    };
    process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  } finally {
    await server.stop();
    if (db === 'postgres') await adminQuery(pgUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    say(`error: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
