import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, fixedClock, makeTeam, makeUser, sql, startTestApp, type TestApp } from '../test-support/harness.ts';
import { writesAccess, ACCESS_NEUTRAL } from '../db/access-watch.ts';
import type { Db } from '../db/connect.ts';

describe('which statements count as access changes', () => {
  it.each([
    ['update "users" set "active" = $1 where "id" = $2', true],
    ['UPDATE users SET role_id = $1', true],
    ['insert into "team_members" ("team_id", "user_id") values ($1, $2)', true],
    ['delete from "sessions" where "user_id" = $1', true],
    ['DELETE FROM teams WHERE id = $1', true],
    ['update "api_tokens" set "revoked_at" = $1 where "id" = $2', true],
    ['WITH x AS (UPDATE roles SET permissions = $1 RETURNING id) SELECT * FROM x', true],
    ['update "organisation" set "time_zone" = $1', true],
    ['update "channels" set "active" = false', true],
    ['insert into "case_fields" ("key", "label", "type") values ($1, $2, $3)', true],
    ['update "case_fields" set "required" = $1 where "key" = $2', true],
    ['insert into users(id, email) values ($1, $2)', true],
    [`UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 ${ACCESS_NEUTRAL}`, false],
    ['update "cases" set "owner_id" = $1', false],
    ['select * from "users" where "id" = $1', false],
    ['insert into "case_events" (type) select type from users', false],
    ['update users_archive set x = 1', false],
    ['delete from "team_notes" where id = $1', false],
  ] as const)('%s → %s', (statement, counts) => {
    expect(writesAccess(statement)).toBe(counts);
  });
});

/** Resolves once the database's access version is past `from` by `steps` (fails the test after 10 s). */
function versionMoves(db: Db, from = db.accessVersion(), steps = 1): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 10_000;
    const tick = () => {
      const v = db.accessVersion();
      if (v !== null && from !== null && v >= from + steps) resolve();
      else if (Date.now() > deadline) reject(new Error('the access version did not move'));
      else setTimeout(tick, 5);
    };
    tick();
  });
}

describe.each(DB_KINDS)('cached identities follow every access change (%s)', (kind) => {
  let t: TestApp;
  const clock = fixedClock(new Date('2026-03-02T09:00:00Z'));
  beforeAll(async () => {
    t = await startTestApp(kind, { clock });
  });
  afterAll(() => t.close());

  it('moves the access version after a committed write, never for a rolled-back one or a last-use stamp', async () => {
    const agent = await makeUser(t.db, { role: 'agent' });
    let v = t.db.accessVersion();
    expect(v).not.toBeNull();
    await t.db.kysely.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ name: 'Renamed' }).where('id', '=', agent.id).execute();
      expect(t.db.accessVersion(), 'not before the commit').toBe(v);
    });
    expect(t.db.accessVersion()).not.toBe(v);
    // On PostgreSQL the process also hears its own change announced; wait for that too.
    if (kind === 'postgres') await versionMoves(t.db, v, 2);
    v = t.db.accessVersion();
    await t.db.kysely
      .transaction()
      .execute(async (trx) => {
        await trx.updateTable('users').set({ name: 'Never' }).where('id', '=', agent.id).execute();
        throw new Error('roll back');
      })
      .catch(() => {});
    expect(t.db.accessVersion()).toBe(v);
    await sql`UPDATE api_tokens SET last_used_at = now() WHERE user_id = ${agent.id}::uuid ${sql.raw(ACCESS_NEUTRAL)}`.execute(t.db.kysely);
    await t.db.kysely.selectFrom('users').selectAll().execute();
    expect(t.db.accessVersion()).toBe(v);
  });

  it('a deactivated user, a revoked token, a changed role and a removed team take effect on the next request', async () => {
    const team = await makeTeam(t.db, 'Cache A');
    const agent = await makeUser(t.db, { role: 'agent', teamIds: [team] });
    const admin = await makeUser(t.db, { role: 'admin' });
    const me = async () => (await call(t, agent, 'GET', '/api/v1/me')).data;
    // Read twice, so it is cached; every change below must show on the very next request.
    expect((await me()).teamIds).toEqual([team]);
    expect((await me()).teamIds).toEqual([team]);

    await t.db.kysely.deleteFrom('team_members').where('user_id', '=', agent.id).execute();
    expect((await me()).teamIds).toEqual([]);

    await t.db.kysely.updateTable('users').set({ role_id: 'viewer' }).where('id', '=', agent.id).execute();
    expect((await call(t, agent, 'POST', '/api/v1/me/work/claim-next')).statusCode).toBe(403);

    const tokens = (await call(t, admin, 'GET', '/api/v1/tokens')).statusCode;
    expect(tokens).toBe(200);
    await t.db.kysely.updateTable('api_tokens').set({ revoked_at: new Date() }).where('user_id', '=', admin.id).execute();
    expect((await call(t, admin, 'GET', '/api/v1/tokens')).statusCode).toBe(401);

    const res = await call(t, agent, 'GET', '/api/v1/me');
    expect(res.statusCode).toBe(200);
    await t.db.kysely.updateTable('users').set({ active: false }).where('id', '=', agent.id).execute();
    expect((await call(t, agent, 'GET', '/api/v1/me')).statusCode).toBe(401);
  });

  it('a session stops at its expiry even while cached', async () => {
    const email = `cache-${kind}@example.test`;
    const user = await makeUser(t.db, { role: 'agent', email });
    await t.db.kysely.updateTable('users').set({ password_hash: null }).where('id', '=', user.id).execute();
    // A session row as sign-in makes it (the cookie's hash is the id).
    const { sha256 } = await import('../ids.ts');
    const cookie = `session-${kind}`;
    await t.db.kysely
      .insertInto('sessions')
      .values({
        id: sha256(cookie),
        user_id: user.id,
        created_at: clock.now(),
        expires_at: new Date(clock.now().getTime() + 60_000),
        last_seen_at: clock.now(),
      })
      .execute();
    const asSession = () => t.app.inject({ method: 'GET', url: '/api/v1/me', cookies: { casework_session: cookie } });
    expect((await asSession()).statusCode).toBe(200);
    expect((await asSession()).statusCode).toBe(200);
    clock.set(new Date(clock.now().getTime() + 60_000));
    expect((await asSession()).statusCode).toBe(401);
  });
});

describe('a change committed by another server process reaches this one (postgres)', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startTestApp('postgres');
    b = await startTestApp('postgres', { attachTo: a.databaseUrl });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('revoking a token through process B refuses it on process A, which had it cached', async () => {
    const agent = await makeUser(a.db, { role: 'agent' });
    expect((await call(a, agent, 'GET', '/api/v1/me')).statusCode).toBe(200);
    expect((await call(a, agent, 'GET', '/api/v1/me')).statusCode).toBe(200);
    const moved = versionMoves(a.db);
    const list = (await call(b, agent, 'GET', '/api/v1/tokens')).data.tokens as { id: string }[];
    expect(list.length).toBeGreaterThan(0);
    for (const tok of list) expect((await call(b, agent, 'DELETE', `/api/v1/tokens/${tok.id}`)).statusCode).toBeLessThan(300);
    await moved;
    expect((await call(a, agent, 'GET', '/api/v1/me')).statusCode).toBe(401);
  });

  it('the database announces changes of access columns only (a last-use stamp is not one)', async () => {
    const agent = await makeUser(a.db, { role: 'agent' });
    const pg = (await import('pg')).default;
    const listener = new pg.Client({ connectionString: a.databaseUrl });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(n.payload ?? ''));
    await listener.query('LISTEN casework_access');
    const sentinel = (name: string) => sql`SELECT pg_notify('casework_access', ${name})`.execute(b.db.kysely);
    const until = async (name: string) => {
      while (!heard.includes(name)) await new Promise((r) => setTimeout(r, 5));
    };
    try {
      await sql`UPDATE api_tokens SET last_used_at = now() WHERE user_id = ${agent.id}::uuid`.execute(b.db.kysely);
      await sql`UPDATE users SET updated_at = now() WHERE id = ${agent.id}::uuid`.execute(b.db.kysely);
      await sentinel('one');
      await until('one');
      expect(heard).toEqual(['one']); // notices arrive in commit order: nothing came before the sentinel
      await sql`UPDATE users SET time_zone = 'Asia/Tokyo' WHERE id = ${agent.id}::uuid`.execute(b.db.kysely);
      await sql`DELETE FROM team_members WHERE user_id = ${agent.id}::uuid`.execute(b.db.kysely);
      await sql`UPDATE organisation SET time_zone = time_zone`.execute(b.db.kysely);
      await sentinel('two');
      await until('two');
      expect(heard).toEqual(['one', 'users', 'team_members', 'organisation', 'two']);
    } finally {
      await listener.end();
    }
  });

  it('a field made required through process B blocks resolving on process A, which had the definitions kept', async () => {
    const team = await makeTeam(a.db, 'Fields');
    const admin = await makeUser(a.db, { role: 'admin', teamIds: [team] });
    const key = `ref_${Date.now()}`;
    const made = await call(b, admin, 'POST', '/api/v1/case-fields', { key, label: 'Ref', type: 'text', required: false, teamIds: [] });
    expect(made.statusCode).toBe(201);
    const open = async () => (await call(a, admin, 'POST', '/api/v1/cases', { subject: 'x', teamId: team })).data.id as string;
    // Process A reads the definitions once (kept), then process B makes the field required.
    expect((await call(a, admin, 'POST', `/api/v1/cases/${await open()}/resolve`, { resolution: 'completed' })).statusCode).toBe(200);
    const moved = versionMoves(a.db);
    expect((await call(b, admin, 'PATCH', `/api/v1/case-fields/${key}`, { required: true })).statusCode).toBe(200);
    await moved;
    const refused = await call(a, admin, 'POST', `/api/v1/cases/${await open()}/resolve`, { resolution: 'completed' });
    expect(refused.statusCode).toBe(409);
    expect(refused.data.fields).toEqual([{ field: `fields.${key}`, message: 'Ref is required to resolve' }]);
  });

  it('a change written outside the product (psql, another tool) is announced by the database', async () => {
    const agent = await makeUser(a.db, { role: 'agent' });
    expect((await call(a, agent, 'GET', '/api/v1/me')).statusCode).toBe(200);
    const moved = versionMoves(a.db);
    await sql`UPDATE users SET active = false WHERE id = ${agent.id}::uuid`.execute(b.db.kysely);
    await moved;
    expect((await call(a, agent, 'GET', '/api/v1/me')).statusCode).toBe(401);
  });
});
