import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const ADMIN = { email: 'admin@e2e.test', password: 'admin-password-1' };

export type RunningServer = { url: string; stop(): Promise<void>; log(): string; dataDir?: string };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** A fresh folder for one server's embedded database: a copy of `template` when given. */
function dataDirCopy(template: string | undefined): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-e2e-'));
  if (template && fs.existsSync(template)) fs.cpSync(template, dir, { recursive: true });
  return dir;
}

/** The test run's compiled `casework` (packages/server/src/test-support/cli-bundle.ts), else the bin script. */
function caseworkScript(): string {
  if (process.env.CASEWORK_TEST_CLI) return process.env.CASEWORK_TEST_CLI;
  try {
    return inject('cliBundle') ?? path.join(ROOT, 'bin/casework.mjs');
  } catch {
    return path.join(ROOT, 'bin/casework.mjs');
  }
}

/** The migrated embedded database the suite's global setup made (support/template.ts), if any. */
function template(): string | undefined {
  try {
    return inject('e2eTemplate');
  } catch {
    return undefined; // outside a test (the global setup itself)
  }
}

/**
 * Starts `casework serve` as a child process on a free port: an embedded database in a temp
 * folder (a copy of the suite's freshly migrated one, else empty), or the given PostgreSQL URL
 * (several processes may share one). `env` adds to or overrides its environment (e.g. an SMTP
 * listener port). `keepDataDir` leaves the folder in place after `stop`.
 */
export async function startServer(
  options: { databaseUrl?: string; env?: NodeJS.ProcessEnv; keepDataDir?: boolean } = {},
): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = options.databaseUrl ? undefined : dataDirCopy(options.keepDataDir ? undefined : template());
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    CASEWORK_DEMO: '0',
    CASEWORK_ADMIN_EMAIL: ADMIN.email,
    CASEWORK_ADMIN_PASSWORD: ADMIN.password,
    CASEWORK_SMTP_PORT: '0',
    CASEWORK_OUTBOUND_ALLOW: '127.0.0.0/8,::1', // local provider and webhook stand-ins
    CASEWORK_LOGIN_RATE_LIMIT: '1000',
    LOG_LEVEL: 'warn',
    DATABASE_URL: options.databaseUrl ?? '',
    ...(dataDir ? { CASEWORK_DATA_DIR: dataDir } : {}),
    ...options.env,
  };
  const child: ChildProcess = spawn(process.execPath, [caseworkScript(), 'serve'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  const url = `http://127.0.0.1:${port}`;
  // Generous: on a loaded machine a first start (embedded database, migrations) can take over a minute.
  const deadline = Date.now() + 170_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`casework serve exited (${child.exitCode}):\n${output}`);
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`casework serve did not become ready:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    dataDir,
    log: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (dataDir && !options.keepDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
