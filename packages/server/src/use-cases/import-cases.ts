import { sql, type Kysely } from 'kysely';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import type { Database } from '../db/schema.ts';
import { matchOrCreateCustomers } from '../db/repos/customer-match.ts';
import { EVENTS_CHANNEL, type LiveNotice } from '../db/repos/case-events.ts';
import { newReference, uuidv7 } from '../ids.ts';
import { forbidden, invalid } from '../errors.ts';
import { memberKey, namedIds, validateImport, type ImportItem, type ImportRow, type KnownIds } from './import-validate.ts';

export type { ImportItem } from './import-validate.ts';

/** Most cases one request may import (bigger migrations send several requests). */
export const IMPORT_MAX_CASES = 5000;
/** Rows per INSERT statement: big enough to amortise round trips, small enough for one parse. */
const CHUNK = 1000;

async function loadKnown(trx: Kysely<Database>, items: ImportItem[]): Promise<KnownIds> {
  const { teamIds, userIds } = namedIds(items);
  const [teams, users, members] = await Promise.all([
    sql<{ id: string }>`SELECT id::text AS id FROM teams WHERE id = ANY(${teamIds}::uuid[])`.execute(trx),
    sql<{ id: string; active: boolean }>`SELECT id::text AS id, active FROM users WHERE id = ANY(${userIds}::uuid[])`.execute(trx),
    sql<{ t: string; u: string }>`SELECT team_id::text AS t, user_id::text AS u FROM team_members
      WHERE user_id = ANY(${userIds}::uuid[]) AND team_id = ANY(${teamIds}::uuid[])`.execute(trx),
  ]);
  return {
    teams: new Set(teams.rows.map((r) => r.id)),
    users: new Map(users.rows.map((r) => [r.id, { active: r.active }])),
    members: new Set(members.rows.map((r) => memberKey(r.t, r.u))),
  };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Inserts one chunk of cases with fresh references. A reference already taken (by an earlier
 * case or a concurrent writer) is skipped by ON CONFLICT and retried with a new one.
 */
async function insertChunk(trx: Kysely<Database>, ids: string[], rows: ImportRow[], customerIds: (string | null)[]): Promise<void> {
  let pending = rows.map((_, i) => i);
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt >= 8) throw new Error('could not find free case references');
    const refs = new Set<string>();
    const ref = () => { for (;;) { const r = newReference(); if (!refs.has(r)) { refs.add(r); return r; } } };
    const p = pending;
    const col = <T>(f: (r: ImportRow, i: number) => T) => p.map((i) => f(rows[i]!, i));
    const inserted = await sql<{ id: string }>`INSERT INTO cases (id, reference, subject, description, type, type_rank, status, resolution,
        team_id, owner_id, customer_id, created_at, updated_at, resolved_at, wake_at, last_activity_at)
      SELECT u.id, u.reference, u.subject, u.description, u.type, u.type_rank, u.status, u.resolution,
        u.team_id, u.owner_id, u.customer_id, u.created_at, u.last_activity_at, u.resolved_at, u.wake_at, u.last_activity_at
      FROM unnest(${col((_, i) => ids[i]!)}::uuid[], ${col(() => ref())}::text[], ${col((r) => r.subject)}::text[],
        ${col((r) => r.description)}::text[], ${col((r) => r.type)}::text[], ${col((r) => r.typeRank)}::smallint[],
        ${col((r) => r.status)}::text[], ${col((r) => r.resolution)}::text[], ${col((r) => r.teamId)}::uuid[],
        ${col((r) => r.ownerId)}::uuid[], ${col((_, i) => customerIds[i]!)}::uuid[], ${col((r) => iso(r.createdAt))}::timestamptz[],
        ${col((r) => iso(r.resolvedAt))}::timestamptz[], ${col((r) => iso(r.wakeAt))}::timestamptz[], ${col((r) => iso(r.lastActivityAt))}::timestamptz[])
        AS u(id, reference, subject, description, type, type_rank, status, resolution, team_id, owner_id, customer_id,
          created_at, resolved_at, wake_at, last_activity_at)
      ON CONFLICT (reference) DO NOTHING
      RETURNING id::text AS id`.execute(trx);
    const done = new Set(inserted.rows.map((r) => r.id));
    pending = p.filter((i) => !done.has(ids[i]!));
  }
}

/** History (one `case.imported` per case) and collaborators, in bulk. */
async function insertHistory(trx: Kysely<Database>, ids: string[], rows: ImportRow[], actorId: string, now: Date): Promise<void> {
  const at = now.toISOString();
  await sql`INSERT INTO case_events (case_id, type, actor_id, data, created_at)
    SELECT u.id, 'case.imported', ${actorId}::uuid, jsonb_build_object('status', u.status, 'type', u.type), ${at}::timestamptz
    FROM unnest(${ids}::uuid[], ${rows.map((r) => r.status)}::text[], ${rows.map((r) => r.type)}::text[]) WITH ORDINALITY AS u(id, status, type, n)
    ORDER BY u.n`.execute(trx);
  const pairs = rows.flatMap((r, i) => r.collaboratorIds.map((u) => [ids[i]!, u] as const));
  if (pairs.length === 0) return;
  await sql`INSERT INTO case_collaborators (case_id, user_id, created_at)
    SELECT u.c, u.u, ${at}::timestamptz FROM unnest(${pairs.map((p) => p[0])}::uuid[], ${pairs.map((p) => p[1])}::uuid[]) AS u(c, u)`.execute(trx);
}

/**
 * Announces the import to the live views of the teams and people concerned, in a few
 * notices (NOTIFY payloads are limited to 8 kB), so open My Work pages refresh.
 */
async function announce(trx: Kysely<Database>, rows: ImportRow[], now: Date): Promise<void> {
  const teams = [...new Set(rows.map((r) => r.teamId))];
  const users = [...new Set(rows.flatMap((r) => [...(r.ownerId ? [r.ownerId] : []), ...r.collaboratorIds]))];
  const ids = [...teams.map((t) => ({ t })), ...users.map((u) => ({ u }))];
  for (let i = 0; i < ids.length; i += 150) {
    const part = ids.slice(i, i + 150);
    const notice: LiveNotice = {
      caseId: '', ids: [''], types: ['case.imported'], at: now.toISOString(),
      audience: { teamIds: part.flatMap((x) => ('t' in x ? [x.t] : [])), userIds: part.flatMap((x) => ('u' in x ? [x.u] : [])) },
    };
    await sql`SELECT pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify(notice)})`.execute(trx);
  }
}

/**
 * Imports cases from another helpdesk keeping their times and state (SPEC §8). All or
 * nothing: every item is validated first, then everything is written in one transaction
 * with a few multi-row statements, so a large migration runs at bulk speed.
 */
export async function importCases(deps: Deps, actor: AppUser, items: ImportItem[]): Promise<string[]> {
  if (!actor.permissions.has('case.import')) throw forbidden('import');
  const now = deps.clock.now();
  return deps.db.kysely.transaction().execute(async (trx) => {
    const known = await loadKnown(trx, items);
    const { rows, errors } = validateImport(items, known);
    if (errors.length) throw invalid(errors, `${errors.length}${errors.length >= 100 ? '+' : ''} invalid field(s); nothing was imported.`);
    const ids = rows.map((r) => uuidv7(r.createdAt.getTime()));
    const customerIds = await matchOrCreateCustomers(trx, rows.map((r) => r.customer), now);
    for (let i = 0; i < rows.length; i += CHUNK) {
      await insertChunk(trx, ids.slice(i, i + CHUNK), rows.slice(i, i + CHUNK), customerIds.slice(i, i + CHUNK));
    }
    await insertHistory(trx, ids, rows, actor.id, now);
    await announce(trx, rows, now);
    return ids;
  });
}
