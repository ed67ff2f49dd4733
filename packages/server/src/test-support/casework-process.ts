import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { inject } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const BIN = path.join(ROOT, 'bin/casework.mjs');

/**
 * The script that runs `casework`: the test run's compiled bundle (test-support/cli-bundle.ts),
 * else bin/casework.mjs, which compiles the sources at each start.
 */
export function caseworkScript(): string {
  if (process.env.CASEWORK_TEST_CLI) return process.env.CASEWORK_TEST_CLI;
  try {
    return inject('cliBundle') ?? BIN;
  } catch {
    return BIN;
  }
}

/** A `casework serve` process as an operator runs it, on a loopback port. */
export type CaseworkProcess = {
  name: string;
  port: number;
  base: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
};

/** Starts `casework serve` with these settings and resolves once its /readyz answers 200. */
export async function startCasework(
  name: string,
  port: number,
  env: Record<string, string>,
  readyWithinMs = 120_000,
): Promise<CaseworkProcess> {
  const child = spawn(process.execPath, [caseworkScript(), 'serve'], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), CASEWORK_DEMO: '0', LOG_LEVEL: 'warn', CASEWORK_SMTP_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyWithinMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited before it was ready:\n${out}`);
    const ok = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} was not ready within ${readyWithinMs / 1000} s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { name, port, base, child, exited, output: () => out };
}

/** Runs a `casework` command to its end: its exit code and everything it printed. */
export function runCasework(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 600_000,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [caseworkScript(), ...args], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', CASEWORK_DEMO: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
    });
    child.stderr!.on('data', (d) => {
      out += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output: out });
    });
  });
}
