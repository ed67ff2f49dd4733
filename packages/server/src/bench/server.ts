import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { sleep } from './stats.ts';

/** `traceFile`: where requests sent with `x-casework-trace` write their statements. */
export type ServerEnv = { dataDir?: string; databaseUrl?: string; logFile: string; traceFile?: string };
export type Server = { base: string; pid: number; startMs: number; stop(): Promise<void> };

export const ROOT = path.resolve(import.meta.dirname, '../../../..');
export const ADMIN = { email: 'bench-admin@bench.test', password: 'bench-admin-password' };

/** A free TCP port on the loopback interface. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitReady(base: string, child: ChildProcess, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} before it was ready`);
    const ok = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(25);
  }
  throw new Error(`the server was not ready within ${limitMs / 1000} s`);
}

/**
 * Starts `node bin/casework.mjs serve` on a free loopback port and waits for /readyz;
 * `startMs` is the cold start (spawn to first ready answer).
 */
export async function startServer(env: ServerEnv): Promise<Server> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const log = fs.openSync(env.logFile, 'a');
  const t0 = Date.now();
  // CASEWORK_BENCH_NODE_ARGS passes flags to the server's node (e.g. --cpu-prof to profile a run).
  const nodeArgs = process.env.CASEWORK_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, 'bin/casework.mjs', 'serve'], {
    cwd: ROOT,
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      CASEWORK_DEMO: '0',
      LOG_LEVEL: 'warn',
      CASEWORK_ADMIN_EMAIL: ADMIN.email,
      CASEWORK_ADMIN_PASSWORD: ADMIN.password,
      CASEWORK_RATE_LIMIT: '100000000',
      CASEWORK_SMTP_PORT: '0',
      ...(env.traceFile ? { CASEWORK_STATEMENT_TRACE: env.traceFile } : {}),
      ...(env.databaseUrl ? { DATABASE_URL: env.databaseUrl } : { DATABASE_URL: '', CASEWORK_DATA_DIR: env.dataDir }),
    },
  });
  try {
    await waitReady(base, child, 180_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const startMs = Date.now() - t0;
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(20_000)]);
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    fs.closeSync(log);
  };
  return { base, pid: child.pid!, startMs, stop };
}

/**
 * Resident memory of the server process: from /proc when its pid is known (reading it costs the
 * server nothing), else from its own /metrics.
 */
export async function serverRss(base: string, pid?: number): Promise<number> {
  if (pid !== undefined) {
    try {
      const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) return Number(m[1]) * 1024;
    } catch {
      // not Linux, or the process is gone: ask the server
    }
  }
  const text = await (await fetch(`${base}/metrics`)).text();
  const m = /^process_resident_memory_bytes (\d+)/m.exec(text);
  return m ? Number(m[1]) : NaN;
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc; NaN elsewhere). */
function cpuMs(pid: number): number {
  try {
    return statCpuMs(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return NaN;
  }
}

/** CPU time (user + system) of this process's children that have ended and been waited for, in ms (pgbench runs). */
export function childrenCpuMs(): number {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    return statCpuMs(stat, true) - statCpuMs(stat);
  } catch {
    return NaN;
  }
}

/**
 * user + system time of a /proc/<pid>/stat line, in ms (clock ticks of 1/100 s); with
 * `children`, also that of its ended children it has waited for.
 */
const statCpuMs = (stat: string, children = false) => {
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  const own = Number(fields[11]) + Number(fields[12]);
  return (children ? own + Number(fields[13]) + Number(fields[14]) : own) * (1000 / 100);
};

/** CPU time in ms: the serving process, PostgreSQL's processes (null on the embedded database, which runs in the server) and this load generator. */
export type CpuSplit = { server: number | null; database: number | null; generator: number | null };

/** Starts counting CPU time; the function it returns tells how much each side has used since. */
export function cpuMeter(serverPid: number | undefined, postgres: boolean): () => CpuSplit {
  const server = () => (serverPid ? cpuMs(serverPid) : NaN);
  const database = () => (postgres ? cpuMsOf('postgres') : NaN);
  const s0 = server();
  const d0 = database();
  const g0 = process.cpuUsage();
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  return () => {
    const g = process.cpuUsage(g0);
    return { server: finite(server() - s0), database: finite(database() - d0), generator: (g.user + g.system) / 1000 };
  };
}

/** A CpuSplit divided by a count, in `unit`s (1 for ms, 1000 for µs), to `digits` decimals. */
export function cpuPer(c: CpuSplit, count: number, unit: number, digits: number): CpuSplit {
  const f = 10 ** digits;
  const per = (x: number | null) => (x === null ? null : Math.round(((x * unit) / Math.max(1, count)) * f) / f);
  return { server: per(c.server), database: per(c.database), generator: per(c.generator) };
}

/** The ids of the running processes (the numeric entries of /proc), or null without /proc. */
function processIds(): string[] | null {
  try {
    return fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
}

/**
 * CPU time used so far by every process of this name and by their ended children (`postgres`:
 * the server, its live backends and, through the server process that waited for them, the
 * backends of connections that closed), in ms; NaN where there is no /proc or no such process.
 * It counts every PostgreSQL process on the machine, so it is meaningful while nothing but the
 * benchmark uses PostgreSQL; and a backend that ends while /proc is being read may be missed,
 * so read it while no connection is closing (see pgbench.ts).
 */
export function cpuMsOf(name: string): number {
  const pids = processIds();
  if (!pids) return NaN;
  let total = 0;
  let found = false;
  for (const d of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(') ')) === name) {
        total += statCpuMs(stat, true);
        found = true;
      }
    } catch {
      /* ended meanwhile */
    }
  }
  return found ? total : NaN;
}

/**
 * Waits (up to `ms`) until no process's command line names `text` (a PostgreSQL backend's
 * names its database): the backends of a finished pgbench run take a moment to exit.
 */
export async function untilNoProcessNames(text: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  const named = () =>
    (processIds() ?? []).some((d) => {
      try {
        return fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    });
  while (named() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
}
