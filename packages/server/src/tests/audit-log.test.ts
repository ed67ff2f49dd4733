import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET_MARK } from '@casework/domain';
import { DB_KINDS, call, fixedClock, makeTeam, makeUser, sql, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { expectProblem } from '../test-support/case-fixtures.ts';
import { cookieCall, passwordSignIn, setPassword } from '../test-support/accounts.ts';
import { SESSION_COOKIE } from '../http/auth-hook.ts';
import { pruneAuditLog } from '../use-cases/audit/prune-audit-log.ts';
import { createAdmin } from '../db/bootstrap.ts';

const PASSWORD = 'Correct-horse-battery-9';

describe.each(DB_KINDS)('audit log (%s)', (kind) => {
  const clock = fixedClock(new Date('2026-05-04T10:00:00Z'));
  let t: TestApp;
  let admin: TestUser;
  let agent: TestUser;
  let team: string;

  beforeAll(async () => {
    t = await startTestApp(kind, { clock });
    admin = await makeUser(t.db, { role: 'admin', name: 'Ada Admin' });
    team = await makeTeam(t.db, 'Support');
    agent = await makeUser(t.db, { role: 'agent', teamIds: [team] });
    await setPassword(t, agent.id, PASSWORD);
  });
  afterAll(async () => t.close());

  const page = (query = '', user: TestUser = admin) => call(t, user, 'GET', `/api/v1/audit-log${query}`);
  const count = async () =>
    Number(
      (
        await t.db.kysely
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const latest = async (action: string) => (await page(`?action=${action}&limit=1`)).data.entries[0];

  it('only administrators read it: 401 for nobody, 403 naming the permission for an agent', async () => {
    expectProblem(await call(t, null, 'GET', '/api/v1/audit-log'), 401, 'unauthenticated');
    expect(expectProblem(await page('', agent), 403, 'forbidden').action).toBe('admin.users');
    expectProblem(await call(t, agent, 'GET', '/api/v1/audit-log/export.csv'), 403, 'forbidden');
  });

  it('records an attempt to change the administration without the right, not a refused read', async () => {
    const before = await count();
    expectProblem(await call(t, agent, 'GET', '/api/v1/invitations'), 403, 'forbidden');
    expectProblem(await page('', agent), 403, 'forbidden');
    expect(await count()).toBe(before);
    expectProblem(await call(t, agent, 'PATCH', `/api/v1/users/${admin.id}`, { role: 'agent' }), 403, 'forbidden');
    expect(await count()).toBe(before + 1);
    expect(await latest('access.refused')).toMatchObject({
      actorId: agent.id,
      target: { type: 'route', id: 'PATCH /api/v1/users/:id' },
      detail: { reason: 'forbidden', permission: 'admin.users' },
    });
    expect(await latest('access.refused')).toHaveProperty('ip');
  });

  it('records sign-ins: success, failure with its reason and the address typed, and sign-out, with the client address', async () => {
    const wrong = await cookieCall(t, {}, 'POST', '/api/v1/auth/login', { email: agent.email, password: 'nope' }, '203.0.113.7');
    expect(wrong.statusCode).toBe(401);
    expect(await latest('sign_in.failed')).toMatchObject({
      actorId: null,
      target: { type: 'user', id: agent.id, label: agent.email },
      ip: '203.0.113.7',
      detail: { reason: 'wrong_password' },
      changes: {},
    });
    await cookieCall(t, {}, 'POST', '/api/v1/auth/login', { email: 'nobody@example.test', password: 'nope' });
    expect(await latest('sign_in.failed')).toMatchObject({ target: { id: null, label: 'nobody@example.test' } });

    const ok = await passwordSignIn(t, agent.email, PASSWORD);
    expect(ok.statusCode).toBe(200);
    expect(await latest('sign_in.succeeded')).toMatchObject({ actorId: agent.id, detail: { method: 'password' } });
    await cookieCall(t, { [SESSION_COOKIE]: ok.set[SESSION_COOKIE]! }, 'POST', '/api/v1/auth/logout');
    expect(await latest('sign_out')).toMatchObject({ actorId: agent.id, target: { id: agent.id } });
    const all = JSON.stringify((await page('?limit=200')).data);
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain('"nope"');
  });

  it('a change is recorded with before → after, secrets masked; a refused change records nothing', async () => {
    const created = await call(t, admin, 'POST', '/api/v1/users', {
      email: 'new.person@example.test',
      name: 'New Person',
      password: PASSWORD,
      role: 'agent',
      teamIds: [team],
    });
    expect(created.statusCode).toBe(201);
    const entry = await latest('user.created');
    expect(entry).toMatchObject({
      actorId: admin.id,
      actorName: 'Ada Admin',
      target: { type: 'user', id: created.data.id, label: 'new.person@example.test' },
      changes: {
        email: { from: null, to: 'new.person@example.test' },
        role: { from: null, to: 'agent' },
        teamIds: { from: null, to: [team] },
        password: { from: null, to: SECRET_MARK },
      },
    });
    expect(entry.ip).toBeTruthy();

    await call(t, admin, 'PATCH', `/api/v1/users/${created.data.id}`, { role: 'supervisor', password: 'Another-password-1' });
    expect((await latest('user.updated')).changes).toEqual({
      role: { from: 'agent', to: 'supervisor' },
      password: { from: null, to: SECRET_MARK },
    });

    // Refusals roll the transaction back with its entry: a duplicate email (409, caught at the insert),
    // a built-in role (409), an unknown team for a user (400, found inside the transaction).
    const before = await count();
    expectProblem(
      await call(t, admin, 'POST', '/api/v1/users', {
        email: 'new.person@example.test',
        name: 'X',
        password: PASSWORD,
        role: 'agent',
        teamIds: [],
      }),
      409,
      'conflict',
    );
    expectProblem(await call(t, admin, 'DELETE', '/api/v1/roles/agent'), 409, 'conflict');
    expectProblem(
      await call(t, admin, 'PATCH', `/api/v1/users/${created.data.id}`, { teamIds: ['018f0000-0000-7000-8000-000000000000'] }),
      400,
      'validation_failed',
    );
    expect(await count()).toBe(before);
  });

  it('filters by actor, action (exact or a family), target and time, and pages with a stable cursor', async () => {
    for (const name of ['Alpha', 'Beta', 'Gamma', 'Delta', 'Epsilon']) {
      clock.advance(60_000);
      expect((await call(t, admin, 'POST', '/api/v1/teams', { name })).statusCode).toBe(201);
    }
    const teams = (await page('?action=team.created')).data.entries;
    expect(teams.map((e: { target: { label: string } }) => e.target.label).slice(0, 5)).toEqual([
      'Epsilon',
      'Delta',
      'Gamma',
      'Beta',
      'Alpha',
    ]);
    expect((await page(`?actorId=${agent.id}`)).data.entries.every((e: { actorId: string }) => e.actorId === agent.id)).toBe(true);
    expect((await page('?action=team.')).data.entries.every((e: { action: string }) => e.action.startsWith('team.'))).toBe(true);
    const one = teams[0];
    expect((await page(`?target=team:${one.target.id}`)).data.entries.map((e: { id: string }) => e.id)).toEqual([one.id]);
    expect((await page('?target=team')).data.entries.every((e: { target: { type: string } }) => e.target.type === 'team')).toBe(true);
    const window = await page(`?from=${encodeURIComponent(teams[3].at)}&to=${encodeURIComponent(teams[1].at)}&action=team.created`);
    expect(window.data.entries.map((e: { target: { label: string } }) => e.target.label)).toEqual(['Gamma', 'Beta']);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await page(`?limit=2&action=team.created${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.statusCode).toBe(200);
      seen.push(...r.data.entries.map((e: { id: string }) => e.id));
      cursor = r.data.nextCursor;
    } while (cursor);
    expect(seen).toEqual(teams.map((e: { id: string }) => e.id));
  });

  it('bad filters answer 400 naming the field', async () => {
    expect(expectProblem(await page('?cursor=nonsense'), 400, 'validation_failed').fields[0].field).toBe('cursor');
    expect(expectProblem(await page('?from=yesterday'), 400, 'validation_failed').fields[0].field).toBe('from');
    expectProblem(await page('?actorId=42'), 400, 'validation_failed');
    expectProblem(await page('?action=DROP%20TABLE'), 400, 'validation_failed');
  });

  it('exports the filtered log as CSV, newest first, with the changes as JSON', async () => {
    const r = await call(t, admin, 'GET', '/api/v1/audit-log/export.csv?action=team.created');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/csv/);
    expect(r.headers['content-disposition']).toMatch(/attachment; filename="audit-log-2026-05-04\.csv"/);
    const lines = r.body.trim().split('\r\n');
    expect(lines[0]).toBe('at,actorId,actorName,action,targetType,targetId,target,ip,changes,detail');
    expect(lines[1]).toContain(',team.created,team,');
    expect(lines[1]).toContain('Epsilon');
    const changes = /,"(\{.*\})",$/.exec(lines[1]!)?.[1]?.replaceAll('""', '"');
    expect(JSON.parse(changes!)).toEqual({ name: { from: null, to: 'Epsilon' } });
    expect(lines.length - 1).toBe((await page('?action=team.created&limit=200')).data.entries.length);
  });

  it('is append-only: UPDATE, DELETE and TRUNCATE are refused by the database itself', async () => {
    await expect(sql`UPDATE audit_log SET action = 'forged'`.execute(t.db.kysely)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log`.execute(t.db.kysely)).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE audit_log`.execute(t.db.kysely)).rejects.toThrow(/append-only/);
    // The retention's setting is local to its own transaction: it does not leak to later statements.
    await t.db.kysely.transaction().execute(async (trx) => {
      await sql`SELECT set_config('casework.audit_retention', 'on', true)`.execute(trx);
    });
    await expect(sql`DELETE FROM audit_log`.execute(t.db.kysely)).rejects.toThrow(/append-only/);
  });

  it('keeps entries for the organisation’s retention; older ones are removed by the timers, which say so', async () => {
    expect((await call(t, admin, 'GET', '/api/v1/organisation')).data.auditRetentionDays).toBe(365);
    expectProblem(await call(t, admin, 'PATCH', '/api/v1/organisation', { auditRetentionDays: 5 }), 400, 'validation_failed');
    const set = await call(t, admin, 'PATCH', '/api/v1/organisation', { auditRetentionDays: 30 });
    expect(set.data.auditRetentionDays).toBe(30);
    expect((await latest('organisation.updated')).changes).toEqual({ auditRetentionDays: { from: 365, to: 30 } });

    const total = await count();
    expect(total).toBeGreaterThan(3);
    clock.advance(29 * 86_400_000);
    await call(t, admin, 'POST', '/api/v1/teams', { name: 'Kept' });
    expect(await pruneAuditLog(t.deps)).toBe(0);
    clock.advance(2 * 86_400_000);
    expect(await pruneAuditLog(t.deps)).toBe(total);
    const left = (await page('?limit=200')).data.entries;
    expect(left.map((e: { action: string }) => e.action)).toEqual(['audit_log.pruned', 'team.created']);
    expect(left[0]).toMatchObject({ actorId: null, detail: { removed: total, retentionDays: 30 } });
  });

  it('an administrator the operator creates (command line, CASEWORK_ADMIN_EMAIL) is an entry by nobody, without the password', async () => {
    const id = await createAdmin(t.db, 'ops@example.test', 'Operator-pass-1');
    const entries = await t.db.kysely.selectFrom('audit_log').selectAll().where('target_id', '=', id).execute();
    expect(entries).toMatchObject([{ action: 'user.created', actor_id: null, detail: { via: 'operator' } }]);
    expect(entries[0]!.changes).toMatchObject({ email: { to: 'ops@example.test' }, role: { to: 'admin' }, password: { to: SECRET_MARK } });
    expect(JSON.stringify(entries)).not.toContain('Operator-pass-1');
  });
});
