import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_TYPES, DEFAULT_PRIORITY, OPEN_STATUSES, PRIORITIES, SECTION_KEYS, priorityRank } from '@casework/domain';
import { DB_KINDS, call, makeUser, sql, startTestApp, type TestApp } from '../test-support/harness.ts';
import { SQL_FUNCTIONS } from '../db/sql-functions.ts';
import { PRIORITY_CHECK, PRIORITY_DEFAULT, openStatus, queued, queuedOn, section, slaGuarded, TYPE_RANKS } from '../db/sql-rules.ts';
import { MIGRATIONS } from '../db/migrations/index.ts';

/**
 * The server functions that state the domain's rules are installed by migrations as frozen text.
 * They must be what db/sql-functions.ts builds from the domain today: a rule changed in the
 * domain (or in db/sql-rules.ts) without a migration recreating them fails here.
 */
describe.each(DB_KINDS)('installed SQL functions state the rules db/sql-rules.ts builds today (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(() => t.close());

  it.each(SQL_FUNCTIONS.map((f) => [f.name, f] as const))('%s', async (name, f) => {
    const r = await sql<{ src: string }>`SELECT p.prosrc AS src FROM pg_proc p
      JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proname = ${name} AND n.nspname = current_schema()`.execute(t.db.kysely);
    expect(r.rows.length, `${name} is installed once`).toBe(1);
    const installed = r.rows[0]!.src;
    if (installed !== f.body) {
      expect.fail(
        `The installed body of ${name} differs from what db/sql-functions.ts builds from the domain's rules now. ` +
          'A rule changed (domain constants or db/sql-rules.ts) without a migration: add a new migration recreating ' +
          `the functions, with the text printed by \`npx tsx packages/server/src/db/sql-functions.ts\`.\n` +
          `First difference at character ${[...installed].findIndex((ch, i) => ch !== f.body[i])}.`,
      );
    }
  });
});

describe.each(DB_KINDS)('the queue index states the queue condition db/sql-rules.ts builds (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(() => t.close());

  it('cases_queue is partial on exactly the queue condition', async () => {
    // The database's own rendering of the installed predicate and of the module's, compared;
    // the comparison index is created in a transaction that is rolled back.
    const predicate = (name: string) => sql<{ p: string }>`SELECT pg_get_expr(i.indpred, i.indrelid) AS p FROM pg_index i
      JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = ${name}`;
    let built = '';
    await t.db.kysely
      .transaction()
      .execute(async (trx) => {
        await sql`CREATE INDEX sql_rules_probe ON cases (team_id) WHERE ${sql.raw(queuedOn('status', 'owner_id'))}`.execute(trx);
        built = (await predicate('sql_rules_probe').execute(trx)).rows[0]!.p;
        throw new Error('roll back');
      })
      .catch((err: Error) => {
        if (err.message !== 'roll back') throw err;
      });
    const installed = (await predicate('cases_queue').execute(t.db.kysely)).rows[0]?.p;
    expect(built).not.toBe('');
    expect(installed, 'the queue condition changed: add a migration recreating the cases_queue index').toBe(built);
  });
});

describe.each(DB_KINDS)('the priority column states the domain’s priorities (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(() => t.close());

  it('its check and default are what db/sql-rules.ts builds from PRIORITIES and DEFAULT_PRIORITY', async () => {
    const installed = await sql<{ def: string }>`SELECT pg_get_constraintdef(k.oid) AS def FROM pg_constraint k
      WHERE k.conrelid = 'cases'::regclass AND k.conname = 'cases_priority_rank'`.execute(t.db.kysely);
    let built = '';
    await t.db.kysely
      .transaction()
      .execute(async (trx) => {
        await sql`CREATE TABLE priority_probe (priority smallint CONSTRAINT probe CHECK (${sql.raw(PRIORITY_CHECK)}))`.execute(trx);
        built = (
          await sql<{ def: string }>`SELECT pg_get_constraintdef(k.oid) AS def FROM pg_constraint k WHERE k.conname = 'probe'
            AND k.conrelid = 'priority_probe'::regclass`.execute(trx)
        ).rows[0]!.def;
        throw new Error('roll back');
      })
      .catch((err: Error) => {
        if (err.message !== 'roll back') throw err;
      });
    expect(built).not.toBe('');
    expect(installed.rows[0]?.def, 'the priorities changed: add a migration changing cases_priority_rank').toBe(built);
    const d = await sql<{ d: string }>`SELECT column_default AS d FROM information_schema.columns
      WHERE table_name = 'cases' AND column_name = 'priority' AND table_schema = current_schema()`.execute(t.db.kysely);
    expect(d.rows[0]?.d).toBe(String(PRIORITY_DEFAULT));
    expect(PRIORITY_DEFAULT).toBe(priorityRank(DEFAULT_PRIORITY));
  });

  it('every priority is stored as its rank and read back; a rank past the list is refused', async () => {
    const team = (
      await sql<{ id: string }>`INSERT INTO teams (id, name) VALUES (gen_random_uuid(), 'Probe') RETURNING id::text AS id`.execute(
        t.db.kysely,
      )
    ).rows[0]!.id;
    const admin = await makeUser(t.db, { role: 'admin', teamIds: [team] });
    for (const p of PRIORITIES) {
      const c = await call(t, admin, 'POST', '/api/v1/cases', { subject: `Probe ${p}`, teamId: team });
      expect(c.data.priority).toBe(DEFAULT_PRIORITY);
      expect((await call(t, admin, 'PATCH', `/api/v1/cases/${c.data.id}`, { priority: p })).data.priority).toBe(p);
      const stored = await sql<{ r: number }>`SELECT priority AS r FROM cases WHERE id = ${c.data.id}::uuid`.execute(t.db.kysely);
      expect(stored.rows[0]!.r).toBe(priorityRank(p));
    }
    await expect(
      sql`UPDATE cases SET priority = ${PRIORITIES.length} WHERE team_id = ${team}::uuid`.execute(t.db.kysely),
    ).rejects.toThrow();
    await expect(sql`UPDATE cases SET priority = -1 WHERE team_id = ${team}::uuid`.execute(t.db.kysely)).rejects.toThrow();
  });
});

describe('the built functions apply the rules from db/sql-rules.ts', () => {
  const byName = new Map(SQL_FUNCTIONS.map((f) => [f.name, f.body]));
  it('casework_my_work: the queue, the open statuses and every section from the module', () => {
    const body = byName.get('casework_my_work')!;
    expect(body).toContain(queued('q'));
    expect(body).toContain(TYPE_RANKS);
    expect(body).toContain(openStatus('c'));
    for (const key of SECTION_KEYS) {
      const cond = section(key)
        .replaceAll('{user}', 'p_user')
        .replaceAll('{day_start}', 'p_day_start')
        .replaceAll('{day_end}', 'p_day_end');
      expect(body.split(cond).length - 1, key).toBe(2); // its count and its first page
    }
  });
  it('casework_claim_next: the queue condition on the heads (the SLA guard, today, older) and on the locked row', () => {
    const body = byName.get('casework_claim_next')!;
    expect(body.split(queued('q')).length - 1).toBe(3);
    expect(body).toContain(slaGuarded('q', 'p_now'));
    expect(body).toContain(TYPE_RANKS);
    expect(body).toContain("v_status = 'new' AND v_owner IS NULL");
  });
  it('the fragments name the domain constants', () => {
    expect(openStatus('c')).toBe(`c.status IN (${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')})`);
    expect(section('active_chats')).toContain(`(${CHAT_TYPES.map((s) => `'${s}'`).join(', ')})`);
    expect(queued('q')).toBe("q.status = 'new' AND q.owner_id IS NULL");
    expect(TYPE_RANKS).toBe('generate_series(1, 6)');
  });
  it('a migration installs them', () => {
    // The latest migration that creates each function must hold exactly the built statement's body.
    for (const f of SQL_FUNCTIONS) {
      const last = [...MIGRATIONS].reverse().find((m) => m.up.includes(`FUNCTION ${f.name}(`));
      expect(last?.up, f.name).toContain(f.body);
    }
  });
});
