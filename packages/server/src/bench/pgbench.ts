import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { adminQuery } from './org.ts';
import { childrenCpuMs, cpuMsOf, untilNoProcessNames } from './server.ts';

export type PgbenchResult =
  | {
      tps: number;
      clients: number;
      seconds: number;
      /** CPU per transaction in ms: PostgreSQL's processes, and pgbench itself (the client). */
      cpuMsPerTransaction?: { database: number | null; client: number | null };
    }
  | { skipped: string };

export function findPgbench(): string | null {
  for (const p of [
    '/usr/lib/postgresql/15/bin/pgbench',
    '/usr/lib/postgresql/18/bin/pgbench',
    '/usr/lib/postgresql/16/bin/pgbench',
    '/usr/lib/postgresql/17/bin/pgbench',
  ]) {
    if (fs.existsSync(p)) return p;
  }
  const which = spawnSync('sh', ['-c', 'command -v pgbench'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() : null;
}

/**
 * The raw write rate of this PostgreSQL: `pgbench -N` (simple updates, no teller/branch
 * contention) with the same client count, on a small database of its own, dropped afterwards.
 */
export function runPgbench(adminUrl: string, clients: number, seconds: number, scale = 10): Promise<PgbenchResult> {
  const bin = findPgbench();
  if (!bin) return Promise.resolve({ skipped: 'pgbench not found' });
  const name = `casework_pgbench_${process.pid}`;
  const u = new URL(adminUrl);
  const conn = ['-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres')];
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(u.password) };
  return (async () => {
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name}`);
    await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
    try {
      const init = spawnSync(bin, ['-i', '-q', '-s', String(scale), ...conn, name], { encoding: 'utf8', env, timeout: 300_000 });
      if (init.status !== 0) return { skipped: `pgbench -i failed: ${init.stderr.slice(0, 300)}` };
      // CPU is read with no pgbench backend alive: one exiting while /proc is read could be
      // counted twice or not at all.
      await untilNoProcessNames(name);
      const db0 = cpuMsOf('postgres');
      const client0 = childrenCpuMs();
      const run = spawnSync(bin, ['-N', '-c', String(clients), '-j', '2', '-T', String(Math.max(1, Math.round(seconds))), ...conn, name], {
        encoding: 'utf8',
        env,
        timeout: (seconds + 120) * 1000,
      });
      await untilNoProcessNames(name);
      const db = cpuMsOf('postgres') - db0;
      const client = childrenCpuMs() - client0;
      const m = /tps = ([\d.]+) \(without initial connection time\)/.exec(run.stdout) ?? /tps = ([\d.]+)/.exec(run.stdout);
      if (run.status !== 0 || !m) return { skipped: `pgbench failed: ${(run.stderr || run.stdout).slice(0, 300)}` };
      const done = Number(/number of transactions actually processed: (\d+)/.exec(run.stdout)?.[1] ?? NaN);
      const per = (ms: number) => (Number.isFinite(ms) && done > 0 ? Math.round((ms / done) * 1000) / 1000 : null);
      return { tps: Math.round(Number(m[1])), clients, seconds, cpuMsPerTransaction: { database: per(db), client: per(client) } };
    } finally {
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  })();
}
