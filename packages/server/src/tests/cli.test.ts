import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireDirLock, parseLock, processStart } from '../db/dir-lock.ts';

// The `casework` command as an operator runs it: a separate node process over a data folder.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const BIN = path.join(ROOT, 'bin/casework.mjs');
const children = new Set<ChildProcess>();
const folders: string[] = [];

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-cli-'));
  folders.push(dir);
  return dir;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function envFor(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CASEWORK_DATA_DIR: dir,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    CASEWORK_DEMO: '0',
    CASEWORK_SMTP_PORT: '0',
  };
  delete env.DATABASE_URL;
  delete env.CASEWORK_ADMIN_EMAIL;
  delete env.CASEWORK_ADMIN_PASSWORD;
  return { ...env, ...extra };
}

type Proc = { child: ChildProcess; output(): string; exited: Promise<number | null> };

function launch(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve(code);
    }),
  );
  return { child, output: () => out, exited };
}

/** Runs a command to its end (killed after the timeout). */
async function run(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<{ code: number | null; output: string }> {
  const p = launch(args, env, timeoutMs);
  const code = await p.exited;
  return { code, output: p.output() };
}

type Server = Proc & { base: string };

/** Starts `serve` and waits until /readyz answers (or the process ends). */
async function serve(env: NodeJS.ProcessEnv, port: number): Promise<Server> {
  const p = launch(['serve'], { ...env, PORT: String(port) }, 300_000);
  const base = `http://127.0.0.1:${port}`;
  let ended = false;
  void p.exited.then(() => {
    ended = true;
  });
  const deadline = Date.now() + 110_000;
  while (!ended && Date.now() < deadline) {
    const ok = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { ...p, base };
    await new Promise((r) => setTimeout(r, 100));
  }
  p.child.kill('SIGKILL');
  throw new Error(`server did not become ready:\n${p.output()}`);
}

async function stop(s: Proc): Promise<void> {
  if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGTERM');
  await s.exited;
}

async function login(base: string, email: string, password: string): Promise<{ status: number; cookie: string }> {
  const r = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  return { status: r.status, cookie: (r.headers.get('set-cookie') ?? '').split(';')[0]! };
}

async function api(base: string, cookie: string, method: string, url: string, body?: unknown): Promise<{ status: number; data: any }> {
  const r = await fetch(`${base}${url}`, {
    method,
    headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, data: text ? JSON.parse(text) : null };
}

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await new Promise((r) => setTimeout(r, 200));
  for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
});

describe('casework command line', () => {
  it('migrate applies the schema once, then says the database is up to date', async () => {
    const env = envFor(dataDir());
    const first = await run(['migrate'], env);
    expect(first.code, first.output).toBe(0);
    expect(first.output).toMatch(/Applied: /);
    const second = await run(['migrate'], env);
    expect(second.code, second.output).toBe(0);
    expect(second.output).toMatch(/up to date/);
  }, 240_000);

  it('create-admin makes an administrator who can sign in', async () => {
    const env = envFor(dataDir());
    const created = await run(['create-admin', '--email', 'boss@example.test', '--password', 'long-enough-secret'], env);
    expect(created.code, created.output).toBe(0);
    expect(created.output).toMatch(/Created administrator boss@example.test/);
    const again = await run(['create-admin', '--email', 'boss@example.test', '--password', 'long-enough-secret'], env);
    expect(again.code).not.toBe(0);
    expect(again.output).toMatch(/already exists/);
    const server = await serve(env, await freePort());
    try {
      expect((await login(server.base, 'boss@example.test', 'long-enough-secret')).status).toBe(200);
      expect((await login(server.base, 'boss@example.test', 'wrong-password')).status).toBe(401);
    } finally {
      await stop(server);
    }
  }, 240_000);

  it('demo loads into an empty folder and prints the logins; it refuses a database with users', async () => {
    const env = envFor(dataDir());
    const first = await run(['demo'], env);
    expect(first.code, first.output).toBe(0);
    for (const role of ['admin', 'supervisor', 'agent', 'viewer']) expect(first.output).toContain(`${role}@northwind.example`);
    expect(first.output).toContain('casework-demo');
    const second = await run(['demo'], env);
    expect(second.code).not.toBe(0);
    expect(second.output).toMatch(/empty database/);
  }, 240_000);

  it('serve --demo (what npm start runs) loads the demo, prints the logins, and the timers catch up at once', async () => {
    const env = envFor(dataDir());
    delete env.CASEWORK_DEMO;
    const p = launch(['serve', '--demo', '--port', String(await freePort())], env, 300_000);
    try {
      const base = `http://127.0.0.1:${/--port (\d+)/.exec(p.child.spawnargs.join(' '))![1]}`;
      const deadline = Date.now() + 110_000;
      while (
        Date.now() < deadline &&
        !(await fetch(`${base}/readyz`).then(
          (r) => r.ok,
          () => false,
        ))
      )
        await new Promise((r) => setTimeout(r, 100));
      expect(p.output()).toContain('agent@northwind.example');
      const agent = await login(base, 'agent@northwind.example', 'casework-demo');
      expect(agent.status).toBe(200);
      const work = await api(base, agent.cookie, 'GET', '/api/v1/me/work');
      expect(work.data.next).not.toBeNull();
      // Wake times that passed while the demo "was down" are woken by the first timer run.
      let overdue = -1;
      while (overdue !== 0 && Date.now() < deadline) {
        const waiting = await api(base, agent.cookie, 'GET', '/api/v1/cases?status=waiting&limit=100');
        overdue = waiting.data.cases.filter((c: { wakeAt: string | null }) => c.wakeAt !== null && new Date(c.wakeAt) <= new Date()).length;
        if (overdue) await new Promise((r) => setTimeout(r, 200));
      }
      expect(overdue).toBe(0);

      // Replies are delivered somewhere real: the demo's own mail relay and SMS provider, shown at /demo/outbox.
      expect(p.output()).toContain('/demo/outbox');
      const sent: string[] = [];
      for (const type of ['email', 'sms']) {
        const open = await api(base, agent.cookie, 'GET', `/api/v1/cases?type=${type}&status=new,ready&limit=1`);
        const c = open.data.cases[0];
        expect((await api(base, agent.cookie, 'GET', `/api/v1/cases/${c.id}/channel`)).data).toMatchObject({ canDeliver: true });
        const body = `Reply by ${type} <script>alert(1)</script> & "quotes"`;
        const reply = await api(base, agent.cookie, 'POST', `/api/v1/cases/${c.id}/messages`, { body });
        expect(reply.status).toBe(201);
        let state = reply.data.delivery.state;
        while (state === 'queued' && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 200));
          const msgs = await api(base, agent.cookie, 'GET', `/api/v1/cases/${c.id}/messages?limit=500`);
          state = msgs.data.messages.find((m: { id: string }) => m.id === reply.data.id).delivery.state;
        }
        expect(state).toBe('sent');
        sent.push(type);
      }
      expect(sent).toEqual(['email', 'sms']);
      const outbox = await fetch(`${base}/demo/outbox`);
      expect(outbox.status).toBe(200);
      const page = await outbox.text();
      expect(page).toContain('Reply by email &#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;quotes&#34;');
      expect(page).toContain('Reply by sms &#60;script&#62;');
      expect(page).not.toContain('<script>alert');
      expect(await (await fetch(`${base}/demo/chat`)).text()).toContain('href="/demo/outbox"');
    } finally {
      await stop(p);
    }
  }, 240_000);
});

describe('serve on a data folder', () => {
  const dir = dataDir();
  const admin = { email: 'first@example.test', password: 'first-admin-secret' };
  let server: Server | undefined;

  afterAll(async () => {
    if (server) await stop(server);
  });

  it('creates the first admin from the environment on an empty folder and answers /readyz', async () => {
    server = await serve(envFor(dir, { CASEWORK_ADMIN_EMAIL: admin.email, CASEWORK_ADMIN_PASSWORD: admin.password }), await freePort());
    const ready = await fetch(`${server.base}/readyz`);
    expect(await ready.json()).toMatchObject({ status: 'ready', database: 'pglite' });
    expect((await login(server.base, admin.email, admin.password)).status).toBe(200);
  }, 240_000);

  it('a second server on the same folder refuses with a clear message; the first keeps serving', async () => {
    const second = launch(['serve'], { ...envFor(dir), PORT: String(await freePort()) }, 60_000);
    const code = await second.exited;
    expect(code).not.toBe(0);
    expect(second.output()).toMatch(/in use by another Casework process/);
    expect((await fetch(`${server!.base}/readyz`)).status).toBe(200);
    expect((await login(server!.base, admin.email, admin.password)).status).toBe(200);
  }, 240_000);

  it('keeps every acknowledged write through kill -9, and the restart takes over the stale lock', async () => {
    const { cookie } = await login(server!.base, admin.email, admin.password);
    const team = await api(server!.base, cookie, 'POST', '/api/v1/teams', { name: 'Durable' });
    expect(team.status).toBe(201);
    const create = (n: number) =>
      api(server!.base, cookie, 'POST', '/api/v1/cases', { subject: `Durable ${n}`, teamId: team.data.id, type: 'email' });
    const acknowledged: string[] = [];
    for (let n = 0; n < 20; n++) {
      const r = await create(n);
      expect(r.status).toBe(201);
      acknowledged.push(r.data.id);
    }
    // Then many at once, and kill -9 while some are still in flight: no graceful shutdown, no flush.
    const inFlight = Array.from({ length: 80 }, (_, i) =>
      create(100 + i).then(
        (r) => {
          if (r.status === 201) acknowledged.push(r.data.id);
        },
        () => {
          /* cut off by the kill: not acknowledged */
        },
      ),
    );
    while (acknowledged.length < 60) await new Promise((r) => setTimeout(r, 2));
    server!.child.kill('SIGKILL');
    await server!.exited;
    await Promise.all(inFlight);
    expect(parseLock(fs.readFileSync(path.join(dir, 'casework.lock'), 'utf8'))).toMatchObject({ pid: server!.child.pid });

    server = await serve(envFor(dir), await freePort());
    const again = await login(server.base, admin.email, admin.password);
    expect(again.status).toBe(200);
    const missing: string[] = [];
    for (const id of acknowledged) {
      const r = await api(server.base, again.cookie, 'GET', `/api/v1/cases/${id}`);
      if (r.status !== 200) missing.push(id);
    }
    expect(missing).toEqual([]);
    const list = await api(server.base, again.cookie, 'GET', `/api/v1/cases?teamId=${team.data.id}&limit=5`);
    expect(list.data.total).toBeGreaterThanOrEqual(acknowledged.length);
    // The restarted server works normally: it takes new writes.
    expect(
      (await api(server.base, again.cookie, 'POST', '/api/v1/cases', { subject: 'After the crash', teamId: team.data.id })).status,
    ).toBe(201);
  }, 300_000);
});

describe('data folder lock', () => {
  it('refuses a folder this process or another live process holds, and takes over stale locks', () => {
    const dir = dataDir();
    const file = path.join(dir, 'casework.lock');
    const release = acquireDirLock(dir);
    expect(() => acquireDirLock(dir)).toThrow(/in use by another Casework process/);
    release();
    expect(fs.existsSync(file)).toBe(false);

    fs.writeFileSync(file, String(process.ppid)); // a live process, in the bare-pid form of earlier versions
    expect(() => acquireDirLock(dir)).toThrow(new RegExp(`pid ${process.ppid}`));
    // Our own pid, left by an earlier process (after a container restart pids repeat): stale.
    fs.writeFileSync(file, String(process.pid));
    const again = acquireDirLock(dir);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ pid: process.pid, start: processStart(process.pid) });
    again();
    fs.writeFileSync(file, ''); // killed between creating and writing the file
    acquireDirLock(dir)();
    fs.writeFileSync(file, '{"pid": 12'); // cut off mid-write
    acquireDirLock(dir)();
  });

  // A lock naming a pid that now belongs to another program (here a `sleep` this test starts).
  describe.runIf(process.platform === 'linux')('a pid reused by a program that is not Casework', () => {
    let sleeper: ChildProcess;
    let pid: number;
    let start: number;
    beforeAll(async () => {
      sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
      children.add(sleeper);
      await new Promise((r) => sleeper.once('spawn', r));
      pid = sleeper.pid!;
      start = processStart(pid)!;
      // Field 22 is the start time: the sleep started after this test's own process did.
      expect(start).toBeGreaterThan(processStart(process.pid)!);
    });
    afterAll(() => {
      sleeper.kill('SIGKILL');
    });

    it('a lock naming the live sleep with another start time is stale: start-up takes it over', () => {
      const dir = dataDir();
      const file = path.join(dir, 'casework.lock');
      fs.writeFileSync(file, JSON.stringify({ pid, start: start - 1 }));
      const release = acquireDirLock(dir);
      expect(parseLock(fs.readFileSync(file, 'utf8'))).toEqual({ pid: process.pid, start: processStart(process.pid) });
      release();
    });

    it('a bare pid (earlier versions) written before the sleep started is stale too', () => {
      const dir = dataDir();
      const file = path.join(dir, 'casework.lock');
      fs.writeFileSync(file, String(pid));
      const hourAgo = new Date(Date.now() - 3_600_000);
      fs.utimesSync(file, hourAgo, hourAgo);
      acquireDirLock(dir)();
    });

    it('the same live process with its own start time still holds the folder', () => {
      const dir = dataDir();
      const file = path.join(dir, 'casework.lock');
      fs.writeFileSync(file, JSON.stringify({ pid, start }));
      expect(() => acquireDirLock(dir)).toThrow(new RegExp(`in use by another Casework process \\(pid ${pid}\\)`));
      fs.writeFileSync(file, String(pid)); // a bare pid written now, by a process already running
      expect(() => acquireDirLock(dir)).toThrow(/in use by another Casework process/);
    });
  });
});
