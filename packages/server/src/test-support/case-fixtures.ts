import { expect } from 'vitest';
import { sql } from 'kysely';
import { TYPE_RANK, type CaseType, type Resolution, type ResolutionReason, type Status } from '@casework/domain';
import type { Db } from '../db/connect.ts';
import { newReference, uuidv7 } from '../ids.ts';
import { call, listenOnLoopback, makeTeam, makeUser, startTestApp, type DbKind, type TestApp, type TestUser } from './harness.ts';

export type SeedCase = {
  id?: string;
  teamId: string;
  type?: CaseType;
  status?: Status;
  resolution?: Resolution | null;
  resolutionReason?: ResolutionReason | null;
  ownerId?: string | null;
  createdAt: Date;
  updatedAt?: Date;
  resolvedAt?: Date | null;
  wakeAt?: Date | null;
  /** When a spam case became spam (default: its creation). */
  spamAt?: Date | null;
  subject?: string;
  reference?: string;
  collaboratorIds?: string[];
  customer?: { name?: string | null; email?: string | null; phone?: string | null };
};

/** Inserts a case with chosen times straight into the database (tests of "today" and ordering need exact times). */
export async function seedCase(db: Db, c: SeedCase): Promise<string> {
  const id = c.id ?? uuidv7(c.createdAt.getTime());
  const type = c.type ?? 'email';
  let customerId: string | null = null;
  if (c.customer) {
    customerId = uuidv7();
    await db.kysely
      .insertInto('customers')
      .values({
        id: customerId,
        name: c.customer.name ?? null,
        email: c.customer.email ?? null,
        phone: c.customer.phone ?? null,
        created_at: c.createdAt,
      })
      .execute();
  }
  const status = c.status ?? (c.ownerId ? 'ready' : 'new');
  const resolved = status === 'resolved' || status === 'closed' || status === 'canceled';
  await db.kysely
    .insertInto('cases')
    .values({
      id,
      reference: c.reference ?? newReference(),
      subject: c.subject ?? `Case ${id.slice(-6)}`,
      description: null,
      type,
      type_rank: TYPE_RANK[type],
      status,
      resolution: c.resolution !== undefined ? c.resolution : resolved ? (status === 'canceled' ? 'canceled' : 'completed') : null,
      resolution_reason: c.resolutionReason ?? null,
      team_id: c.teamId,
      owner_id: c.ownerId ?? null,
      customer_id: customerId,
      follow_up_of: null,
      rating_stars: null,
      rating_note: null,
      created_at: c.createdAt,
      updated_at: c.updatedAt ?? c.createdAt,
      resolved_at: c.resolvedAt ?? (resolved ? c.createdAt : null),
      wake_at: c.wakeAt ?? null,
      spam_at: c.spamAt ?? (status === 'spam' ? c.createdAt : null),
      last_activity_at: c.updatedAt ?? c.createdAt,
    })
    .execute();
  for (const u of c.collaboratorIds ?? []) {
    await db.kysely.insertInto('case_collaborators').values({ case_id: id, user_id: u, created_at: c.createdAt }).execute();
  }
  return id;
}

/** Asserts an application/problem+json answer with the given status and code; returns its body. */
export function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; data: any }, status: number, code: string): any {
  expect({ status: res.statusCode, code: res.data?.code }).toEqual({ status, code });
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  expect(res.data.status).toBe(status);
  return res.data;
}

/** Sends a request that must be refused with this problem, and checks it changed nothing. */
export async function expectRefused(
  t: TestApp,
  user: TestUser | null,
  method: string,
  url: string,
  body: unknown,
  status: number,
  code: string,
): Promise<any> {
  const before = await fingerprint(t.db);
  const p = expectProblem(await call(t, user, method, url, body), status, code);
  expect(await fingerprint(t.db)).toBe(before);
  return p;
}

/** A digest of everything a request could change: cases, collaborators, messages, history, preferences. */
export async function fingerprint(db: Db): Promise<string> {
  const r = await sql<{ f: string }>`SELECT concat_ws('|',
      (SELECT md5(coalesce(string_agg(row(id, status, resolution, team_id, owner_id, updated_at, resolved_at, wake_at, subject)::text, ',' ORDER BY id), '')) FROM cases),
      (SELECT count(*) FROM case_collaborators), (SELECT count(*) FROM messages), (SELECT count(*) FROM case_events),
      (SELECT count(*) FROM customers), (SELECT count(*) FROM teams), (SELECT count(*) FROM users),
      (SELECT md5(coalesce(string_agg(row(user_id, collapsed_sections)::text, ',' ORDER BY user_id), '')) FROM user_preferences)) AS f`.execute(
    db.kysely,
  );
  return r.rows[0]!.f;
}

export type Org = {
  teamA: string;
  teamB: string;
  admin: TestUser;
  supervisor: TestUser;
  agent: TestUser;
  agent2: TestUser;
  agentB: TestUser;
  viewer: TestUser;
};

/** Two teams and one user of each role (agentB alone on team B; admin and supervisor on team A). */
export async function makeOrg(t: TestApp): Promise<Org> {
  const teamA = await makeTeam(t.db, `Team A ${uuidv7().slice(-6)}`);
  const teamB = await makeTeam(t.db, `Team B ${uuidv7().slice(-6)}`);
  return {
    teamA,
    teamB,
    admin: await makeUser(t.db, { role: 'admin', teamIds: [teamA], name: 'Ada Admin' }),
    supervisor: await makeUser(t.db, { role: 'supervisor', teamIds: [teamA], name: 'Sam Supervisor' }),
    agent: await makeUser(t.db, { role: 'agent', teamIds: [teamA], name: 'Alice Agent' }),
    agent2: await makeUser(t.db, { role: 'agent', teamIds: [teamA], name: 'Arthur Agent' }),
    agentB: await makeUser(t.db, { role: 'agent', teamIds: [teamB], name: 'Bob Agent' }),
    viewer: await makeUser(t.db, { role: 'viewer', teamIds: [teamA], name: 'Vera Viewer' }),
  };
}

/** A syntactically valid id that names nothing. */
export const UNKNOWN_ID = '01890000-0000-7000-8000-000000000000';

/** mulberry32: a tiny seeded PRNG, so generated scenarios (and their failures) are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A random version-4 style UUID from a seeded generator (ids whose order is unrelated to time). */
export function seededUuid(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

/** A test app with the standard organisation, served on a loopback port (for SSE clients). */
export async function startOrgOnLoopback(kind: DbKind): Promise<{ t: TestApp; o: Org; base: string }> {
  const t = await startTestApp(kind);
  const o = await makeOrg(t);
  return { t, o, base: await listenOnLoopback(t) };
}

/** The SLA facts' `solved` for a status reached by the lifecycle without a reason (resolving solves; canceling and spam do not). */
export const solvedBy = (s: Status): boolean => s === 'resolved' || s === 'closed';
