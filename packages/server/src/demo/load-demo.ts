import { sql, type Kysely } from 'kysely';
import { lastMessageOf } from '@casework/domain';
import type { Logger } from 'pino';
import type { Db } from '../db/connect.ts';
import type { Database } from '../db/schema.ts';
import type { Clock } from '../clock.ts';
import { hashPassword } from '../auth/passwords.ts';
import { newReference, uuidv7 } from '../ids.ts';
import { phoneOrRaw } from '../phone.ts';
import { lastMessageColumns } from '../use-cases/post-message.ts';
import { DEMO_ORG, DEMO_PASSWORD, TEAMS, TEAM_KEYS, USERS, makeCustomers } from './demo-org.ts';
import { demoTime, randomSpec } from './demo-plan.ts';
import { scriptedSpecs } from './demo-scripted.ts';
import { buildCase, type BuiltCase } from './demo-build.ts';
import { seededRng } from './demo-rng.ts';
import { demoFields, demoPriority, demoTags, insertDemoSetup } from './demo-case-data.ts';
import { demoClockColumns, insertDemoServiceLevels } from './demo-sla.ts';

export type DemoLogin = { email: string; password: string; role: string; name: string };

/** About how many cases the demo organisation has. */
const DEMO_CASES = 300;
const CUSTOMERS = 170;
const DAY = 86_400_000;

/**
 * Loads the demo organisation into an empty database and returns its logins. Everything is
 * placed relative to `clock.now()`, so "today" always has work, and written in one
 * transaction of multi-row inserts (all or nothing, and fast on the embedded database).
 */
export async function loadDemo(deps: { db: Db; clock: Clock; log: Logger }): Promise<DemoLogin[]> {
  const started = performance.now();
  const now = deps.clock.now();
  const rng = seededRng(0x4e57);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const teamIds = Object.fromEntries(TEAM_KEYS.map((k) => [k, uuidv7()]));
  const userIds = Object.fromEntries(USERS.map((u) => [u.key, uuidv7()]));
  const customers = makeCustomers(rng, CUSTOMERS).map((c) => ({ ...c, id: uuidv7() }));
  const t = demoTime(now);
  const specs = scriptedSpecs(rng, t, customers.length);
  while (specs.length < DEMO_CASES) specs.push(randomSpec(rng, t, customers.length));
  const refs = new Set<string>();
  const reference = () => {
    let r = newReference();
    while (refs.has(r)) r = newReference();
    refs.add(r);
    return r;
  };
  const built = specs.map((spec) => buildCase(spec, { rng, now, userIds, teamIds, customers, reference }));
  // Priorities, tags and field values from their own sequence, so the cases' stories stay as they are.
  const dataRng = seededRng(0x7461);
  for (const b of built) {
    const subject = b.row.subject as string;
    Object.assign(b.row, {
      priority: demoPriority(dataRng),
      tags: demoTags(subject, dataRng),
      fields: JSON.stringify(demoFields(subject, dataRng)),
    });
  }

  await deps.db.kysely.transaction().execute(async (trx) => {
    await refuseNonEmpty(trx);
    const since = new Date(now.getTime() - 90 * DAY);
    await trx
      .updateTable('organisation')
      .set({ name: DEMO_ORG.name, time_zone: DEMO_ORG.timeZone, auto_close_days: DEMO_ORG.autoCloseDays, updated_at: now })
      .where('id', '=', 1)
      .execute();
    await trx
      .insertInto('teams')
      .values(TEAM_KEYS.map((k) => ({ id: teamIds[k]!, name: TEAMS[k].name, created_at: since })))
      .execute();
    await trx
      .insertInto('users')
      .values(
        USERS.map((u) => ({
          id: userIds[u.key]!,
          email: u.email,
          name: u.name,
          password_hash: passwordHash,
          role_id: u.role,
          time_zone: u.timeZone,
          active: true,
          created_at: since,
          updated_at: since,
        })),
      )
      .execute();
    await trx
      .insertInto('team_members')
      .values(USERS.flatMap((u) => u.teams.map((k) => ({ team_id: teamIds[k]!, user_id: userIds[u.key]!, created_at: since }))))
      .execute();
    await insertDemoSetup(trx, { teamIds: teamIds as Record<(typeof TEAM_KEYS)[number], string>, userIds }, since);
    const levels = await insertDemoServiceLevels(trx, since, now);
    await insertContent(trx, built, customers, (b) => demoClockColumns(b, levels, now));
  });
  deps.log.info({ cases: built.length, ms: Math.round(performance.now() - started) }, 'demo organisation loaded');
  return ['admin', 'supervisor', 'agent', 'viewer'].map((role) => {
    const u = USERS.find((x) => x.role === role)!;
    return { email: u.email, password: DEMO_PASSWORD, role, name: u.name };
  });
}

async function refuseNonEmpty(trx: Kysely<Database>): Promise<void> {
  const r = await sql<{
    n: number;
  }>`SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM cases) + (SELECT count(*) FROM teams) AS n`.execute(trx);
  if (Number(r.rows[0]!.n) > 0) throw new Error('The demo loads only into an empty database (it already has users, teams or cases).');
}

/** Customers (those with cases), cases with their SLA clocks, collaborators, messages and history, in chunks. */
async function insertContent(
  trx: Kysely<Database>,
  built: BuiltCase[],
  customers: { id: string; name: string; email: string | null; phone: string | null }[],
  clocks: (b: BuiltCase) => Record<string, unknown>,
): Promise<void> {
  const firstSeen = new Map<string, Date>();
  for (const b of built) {
    const id = b.row.customer_id!;
    const at = new Date(b.row.created_at);
    if (!firstSeen.has(id) || at < firstSeen.get(id)!) firstSeen.set(id, at);
  }
  await chunks(
    customers.filter((c) => firstSeen.has(c.id)),
    (rows) =>
      trx
        .insertInto('customers')
        .values(rows.map((c) => ({ id: c.id, name: c.name, email: c.email, phone: phoneOrRaw(c.phone), created_at: firstSeen.get(c.id)! })))
        .execute(),
  );
  await chunks(
    built.map((b) => ({ ...b.row, ...demoLastMessage(b), ...clocks(b) })),
    (rows) => trx.insertInto('cases').values(rows).execute(),
  );
  await chunks(
    built.flatMap((b) => b.collaborators),
    (rows) => trx.insertInto('case_collaborators').values(rows).execute(),
  );
  await chunks(
    built.flatMap((b) => b.messages),
    (rows) => trx.insertInto('messages').values(rows).execute(),
  );
  // History ids follow time, as if every event had been appended when it happened (stable sort keeps a case's order).
  const events = built.flatMap((b) => b.events).sort((a, b) => new Date(a.created_at).getTime() - new Date(b.created_at).getTime());
  await chunks(events, (rows) => trx.insertInto('case_events').values(rows).execute());
}

/** A demo case's cards show its conversation's last public message, as if each message had been written live. */
function demoLastMessage(b: BuiltCase) {
  const last = lastMessageOf(
    b.messages.map((m) => ({
      body: m.body,
      internal: m.internal,
      direction: m.direction as 'inbound' | 'outbound' | 'note',
      authorId: m.author_id ?? null,
      createdAt: new Date(m.created_at),
    })),
  );
  return lastMessageColumns(last);
}

async function chunks<T>(rows: T[], write: (rows: T[]) => Promise<unknown>, size = 400): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await write(rows.slice(i, i + size));
}
