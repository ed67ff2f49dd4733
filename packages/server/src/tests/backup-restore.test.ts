import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { runCasework, startCasework, type CaseworkProcess } from '../test-support/casework-process.ts';
import { freePort } from '../test-support/dovecot.ts';
import { key, send } from '../test-support/drill-load.ts';
import { PG_ADMIN_URL } from '../test-support/harness.ts';
import { openPGlite } from '../db/connect.ts';

/**
 * Backup and restore of the embedded database as an operator runs them (separate processes),
 * the checks of a restored database, and the move of it to PostgreSQL.
 */
const ADMIN = { email: 'ops-admin@ops.test', password: 'ops-admin-password' };
const folders: string[] = [];
const tmp = (prefix: string) => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  folders.push(d);
  return d;
};
const pgName = `casework_move_${Date.now().toString(36)}`;
const pgUrl = (() => {
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${pgName}`;
  return u.toString();
})();
const admin = async (q: string) => {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    await c.query(q);
  } finally {
    await c.end();
  }
};

describe('backup, restore, doctor and the move to PostgreSQL', () => {
  let server: CaseworkProcess | undefined;
  const source = tmp('casework-live-');
  const restored = path.join(tmp('casework-restored-'), 'data');
  const backupFile = path.join(tmp('casework-backup-'), 'casework.backup');
  const ackedBefore = { cases: [] as string[], messages: [] as string[] };
  // An attached file (kept as a file beside the embedded database): carried by backup, restore and the move.
  const fileBytes = Buffer.alloc(2 * 1024 * 1024 + 77);
  for (let i = 0; i < fileBytes.length; i++) fileBytes[i] = (i * 7 + (i >> 11)) & 0xff;
  const fileHash = createHash('sha256').update(fileBytes).digest('hex');
  let fileId = '';
  afterAll(async () => {
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
    await server?.exited;
    await admin(`DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`).catch(() => {});
    for (const d of folders) fs.rmSync(d, { recursive: true, force: true });
  });

  it('backs up a running server under load; every write acknowledged before the backup began is in its restore, which the doctor passes', async () => {
    server = await startCasework(
      'serve',
      await freePort(),
      {
        CASEWORK_DATA_DIR: source,
        DATABASE_URL: '',
        CASEWORK_ADMIN_EMAIL: ADMIN.email,
        CASEWORK_ADMIN_PASSWORD: ADMIN.password,
        CASEWORK_RATE_LIMIT: '1000000',
      },
      1_200_000,
    );
    const base = server.base;
    const login = await send(base, 'POST', '/api/v1/auth/login', { body: ADMIN });
    const cookie = String(login.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
    const token = (await send(base, 'POST', '/api/v1/tokens', { headers: { cookie }, body: { name: 'ops' } })).data.token as string;
    const team = (await send(base, 'POST', '/api/v1/teams', { token, body: { name: 'Ops' } })).data.id as string;
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(fileBytes)]), 'report.bin');
    const up = await fetch(`${base}/api/v1/uploads`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    expect(up.status).toBe(201);
    fileId = ((await up.json()) as { id: string }).id;
    expect(fs.existsSync(path.join(source, 'files', fileId.slice(-2), fileId))).toBe(true);
    let backupStarted = Number.POSITIVE_INFINITY;
    let running = true;
    const writer = async () => {
      while (running) {
        const c = await send(base, 'POST', '/api/v1/cases', {
          token,
          body: { subject: `Order ${key()}`, teamId: team },
          headers: { 'idempotency-key': key() },
        }).catch(() => null);
        if (c?.status !== 201) continue;
        const m = await send(base, 'POST', `/api/v1/cases/${c.data.id}/messages`, { token, body: { body: 'Noted', internal: true } }).catch(
          () => null,
        );
        if (!m) continue;
        const at = Date.now();
        if (at < backupStarted) {
          ackedBefore.cases.push(c.data.id);
          if (m.status === 201) ackedBefore.messages.push(m.data.id);
        }
      }
    };
    const load = Promise.all([writer(), writer(), writer()]);
    while (ackedBefore.cases.length < 20) await new Promise((r) => setTimeout(r, 100));
    backupStarted = Date.now();
    const backup = await runCasework(['backup', '--to', backupFile], { CASEWORK_DATA_DIR: source, DATABASE_URL: '' });
    running = false;
    await load;
    expect(backup.code, backup.output).toBe(0);
    expect(backup.output).toMatch(/Backup written to/);

    const restore = await runCasework(['restore', '--from', backupFile], { CASEWORK_DATA_DIR: restored, DATABASE_URL: '' });
    expect(restore.code, restore.output).toBe(0);
    const doctor = await runCasework(['doctor'], { CASEWORK_DATA_DIR: restored, DATABASE_URL: '' });
    expect(doctor.code, doctor.output).toBe(0);
    expect(doctor.output).toMatch(/^ok {3}migrations: \d+ applied/m);
    expect(doctor.output).toMatch(/^ok {3}orphan rows: none/m);
    const db = await openPGlite({ dataDir: restored });
    try {
      const cases = await sql<{ n: number }>`SELECT count(*)::int AS n FROM cases WHERE id = ANY(${ackedBefore.cases}::uuid[])`.execute(
        db.kysely,
      );
      const messages = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM messages WHERE id = ANY(${ackedBefore.messages}::uuid[])`.execute(db.kysely);
      expect(cases.rows[0]!.n).toBe(ackedBefore.cases.length);
      expect(messages.rows[0]!.n).toBe(ackedBefore.messages.length);
      const file = await db.kysely
        .selectFrom('message_attachments')
        .select(['file_path', 'sha256'])
        .where('id', '=', fileId)
        .executeTakeFirstOrThrow();
      expect(file.sha256).toBe(fileHash);
      expect(fs.readFileSync(path.join(restored, 'files', file.file_path!)).equals(fileBytes)).toBe(true);
    } finally {
      await db.close();
    }
    console.log(
      `backup under load: ${ackedBefore.cases.length} cases and ${ackedBefore.messages.length} notes acknowledged before it began, all restored`,
    );
  }, 1_200_000);

  it('refuses truncated, damaged and foreign files and a non-empty folder, leaving the folder as it was', async () => {
    const whole = fs.readFileSync(backupFile);
    const dir = tmp('casework-bad-');
    const cases: [string, Buffer, RegExp][] = [
      ['truncated', whole.subarray(0, Math.floor(whole.length / 2)), /is truncated/],
      ['damaged', Buffer.concat([whole.subarray(0, whole.length - 10), Buffer.from('0123456789')]), /is damaged/],
      ['foreign', Buffer.from('PGDMP not ours'), /is not a Casework backup/],
      ['empty', Buffer.alloc(0), /is empty/],
    ];
    // A backup whose attachment file's bytes were altered (same length): refused as damaged.
    const altered = Buffer.from(whole);
    altered[altered.length - 100] = altered[altered.length - 100]! ^ 0xff;
    cases.push(['altered file', altered, /is damaged: the attachment file/]);
    for (const [name, bytes, message] of cases) {
      const file = path.join(dir, `${name}.backup`);
      fs.writeFileSync(file, bytes);
      const target = path.join(dir, `target-${name}`);
      const r = await runCasework(['restore', '--from', file], { CASEWORK_DATA_DIR: target, DATABASE_URL: '' });
      expect(r.code, `${name}: ${r.output}`).toBe(1);
      expect(r.output).toMatch(message);
      expect(fs.existsSync(target) ? fs.readdirSync(target) : []).toEqual([]);
    }
    const into = await runCasework(['restore', '--from', backupFile], { CASEWORK_DATA_DIR: source, DATABASE_URL: '' });
    expect(into.code).toBe(1);
    expect(into.output).toMatch(/is not empty/);
  }, 1_200_000);

  it('moves the restored database into an empty PostgreSQL with equal counts, and refuses a non-empty one', async () => {
    await admin(`CREATE DATABASE ${pgName}`);
    const move = await runCasework(['migrate-to-postgres', '--database-url', pgUrl], { CASEWORK_DATA_DIR: restored, DATABASE_URL: '' });
    expect(move.code, move.output).toBe(0);
    expect(move.output).toMatch(/every table's count matches/);
    const doctor = await runCasework(['doctor'], { DATABASE_URL: pgUrl });
    expect(doctor.code, doctor.output).toBe(0);
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    try {
      const cases = await c.query('SELECT count(*)::int AS n FROM cases WHERE id = ANY($1::uuid[])', [ackedBefore.cases]);
      expect(cases.rows[0].n).toBe(ackedBefore.cases.length);
      // The file is now in PostgreSQL's rows, where every server process reads it.
      const file = await c.query('SELECT file_path, sha256 FROM message_attachments WHERE id = $1', [fileId]);
      expect(file.rows[0]).toEqual({ file_path: null, sha256: fileHash });
      const chunks = await c.query('SELECT data FROM attachment_chunks WHERE attachment_id = $1 ORDER BY seq', [fileId]);
      expect(Buffer.concat(chunks.rows.map((r: { data: Buffer }) => r.data)).equals(fileBytes)).toBe(true);
      const seq = await c.query(`SELECT count(*)::int AS n FROM case_events`);
      expect(seq.rows[0].n).toBeGreaterThan(0);
      // The copied history's sequence moved on: a new event gets a fresh id.
      const ids = await c.query(`SELECT max(id)::text AS max FROM case_events`);
      const next = await c.query(`SELECT nextval(pg_get_serial_sequence('case_events', 'id'))::text AS id`);
      expect(BigInt(next.rows[0].id)).toBeGreaterThan(BigInt(ids.rows[0].max));
    } finally {
      await c.end();
    }
    const again = await runCasework(['migrate-to-postgres', '--database-url', pgUrl], { CASEWORK_DATA_DIR: restored, DATABASE_URL: '' });
    expect(again.code).toBe(1);
    expect(again.output).toMatch(/is not empty/);
  }, 1_200_000);
});
