import { sql, type Kysely } from 'kysely';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import type { Database } from '../db/schema.ts';
import { matchOrCreateCustomers } from '../db/repos/customer-match.ts';
import { listFieldDefinitions } from '../db/repos/case-fields.ts';
import { afterCommit, announceOnCommit, inTransaction, type LiveNotice } from '../outbox/outbox.ts';
import { newReferences, uuidv7Many } from '../ids.ts';
import { forbidden, invalid } from '../errors.ts';
import { MAX_ERRORS, memberKey, namedIds, validateImport, type ImportItem, type ImportRow, type KnownIds } from './import-validate.ts';
import { conversationFacts, insertMessages, messageIds, validateMessages, withConversationTimes } from './import-messages.ts';
import { managedTags } from './edit-case.ts';
import { compactOpenCounts } from '../db/repos/report-counts.ts';
import { importedClocks } from './import-sla.ts';

export type { ImportItem } from './import-validate.ts';

/** Most cases one request may import (bigger migrations send several requests). */
export const IMPORT_MAX_CASES = 5000;

/*
 * The rows travel as one PostgreSQL array literal per column (`{a,b,NULL}`), unnested into one
 * multi-row statement per table: building the literal here is cheaper than letting the driver
 * escape every element, and every value is still a bound parameter.
 */

/**
 * An array literal of values that never need quoting: ids, times, numbers and words that were
 * generated here or checked against their schema (uuid, date-time, enum) before; null is NULL.
 */
function plainArray(xs: readonly (string | number | null)[]): string {
  return `{${xs.includes(null) ? xs.map((x) => x ?? 'NULL').join(',') : xs.join(',')}}`;
}

const NEEDS_ESCAPE = /["\\]/;
/** An array literal of any text: every element quoted, with its quotes and backslashes escaped. */
function textArray(xs: readonly (string | null)[]): string {
  return `{${xs.map((x) => (x === null ? 'NULL' : NEEDS_ESCAPE.test(x) ? `"${x.replace(/["\\]/g, '\\$&')}"` : `"${x}"`)).join(',')}}`;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * The ids the items name that do not exist or do not qualify, in one statement: teams that do
 * not exist, users that do not exist or are inactive, owners who are not members of the team.
 * Each id is one primary-key probe, so the cost follows the request, not the organisation.
 */
async function loadKnown(trx: Kysely<Database>, items: ImportItem[]): Promise<KnownIds> {
  const { teamIds, userIds, memberTeams, memberUsers } = namedIds(items);
  const r = await sql<{ k: 't' | 'u' | 'i' | 'm'; a: string; b: string | null }>`
    SELECT 't' AS k, x.id::text AS a, NULL AS b FROM unnest(${plainArray(teamIds)}::uuid[]) AS x(id)
      LEFT JOIN LATERAL (SELECT true AS found FROM teams t WHERE t.id = x.id LIMIT 1) t ON true WHERE t.found IS NULL
    UNION ALL
    SELECT CASE WHEN u.active IS NULL THEN 'u' ELSE 'i' END, x.id::text, NULL FROM unnest(${plainArray(userIds)}::uuid[]) AS x(id)
      LEFT JOIN LATERAL (SELECT u.active FROM users u WHERE u.id = x.id LIMIT 1) u ON true WHERE u.active IS NOT TRUE
    UNION ALL
    SELECT 'm', p.t::text, p.u::text FROM unnest(${plainArray(memberTeams)}::uuid[], ${plainArray(memberUsers)}::uuid[]) AS p(t, u)
      LEFT JOIN LATERAL (SELECT true AS found FROM team_members m WHERE m.team_id = p.t AND m.user_id = p.u LIMIT 1) m ON true
      WHERE m.found IS NULL`.execute(trx);
  const known: KnownIds = { missingTeams: new Set(), missingUsers: new Set(), inactiveUsers: new Set(), nonMembers: new Set() };
  for (const row of r.rows) {
    if (row.k === 't') known.missingTeams.add(row.a);
    else if (row.k === 'u') known.missingUsers.add(row.a);
    else if (row.k === 'i') known.inactiveUsers.add(row.a);
    else known.nonMembers.add(memberKey(row.a, row.b!));
  }
  return known;
}

/** The column literals of the case rows at `at` (every row, or the ones still to insert). */
function caseColumns(rows: ImportRow[], customerIds: (string | null)[], firstResponse: (Date | null)[], at: number[]) {
  const n = at.length;
  const subject = new Array<string>(n),
    description = new Array<string | null>(n),
    type = new Array<string>(n);
  const typeRank = new Array<number>(n),
    status = new Array<string>(n),
    resolution = new Array<string | null>(n);
  const team = new Array<string>(n),
    owner = new Array<string | null>(n),
    customer = new Array<string | null>(n);
  const created = new Array<string>(n),
    resolved = new Array<string | null>(n),
    wake = new Array<string | null>(n);
  const activity = new Array<string>(n),
    fields = new Array<string | null>(n);
  const priority = new Array<number>(n),
    tags = new Array<string>(n);
  const preview = new Array<string | null>(n),
    fromCustomer = new Array<string | null>(n),
    author = new Array<string | null>(n),
    lastAt = new Array<string | null>(n),
    firstAt = new Array<string | null>(n);
  for (let k = 0; k < n; k++) {
    const i = at[k]!;
    const r = rows[i]!;
    subject[k] = r.subject;
    description[k] = r.description;
    type[k] = r.type;
    typeRank[k] = r.typeRank;
    status[k] = r.status;
    resolution[k] = r.resolution;
    team[k] = r.teamId;
    owner[k] = r.ownerId;
    customer[k] = customerIds[i]!;
    created[k] = r.createdAt.toISOString();
    resolved[k] = iso(r.resolvedAt);
    wake[k] = iso(r.wakeAt);
    activity[k] = r.lastActivityAt.toISOString();
    fields[k] = r.fields;
    priority[k] = r.priority;
    tags[k] = textArray(r.tags);
    const last = r.lastMessage ?? null;
    preview[k] = last?.preview ?? null;
    fromCustomer[k] = last ? String(last.fromCustomer) : null;
    author[k] = last?.authorId ?? null;
    lastAt[k] = last ? last.at.toISOString() : null;
    firstAt[k] = iso(firstResponse[i] ?? null);
  }
  return {
    subject: textArray(subject),
    description: textArray(description),
    type: plainArray(type),
    typeRank: plainArray(typeRank),
    status: plainArray(status),
    resolution: plainArray(resolution),
    team: plainArray(team),
    owner: plainArray(owner),
    customer: plainArray(customer),
    created: plainArray(created),
    resolved: plainArray(resolved),
    wake: plainArray(wake),
    activity: plainArray(activity),
    fields: textArray(fields),
    priority: plainArray(priority),
    // Each case's tags as an array literal, cast back per row (unnest would flatten a 2-D array).
    tags: textArray(tags),
    preview: textArray(preview),
    fromCustomer: plainArray(fromCustomer),
    author: plainArray(author),
    lastAt: plainArray(lastAt),
    firstAt: plainArray(firstAt),
  };
}

/**
 * Inserts the cases in one statement, each with a fresh reference. A reference already taken
 * (by an earlier case or a concurrent writer) is skipped by ON CONFLICT; those cases are
 * inserted again with new references.
 */
async function insertCases(
  trx: Kysely<Database>,
  ids: string[],
  rows: ImportRow[],
  customerIds: (string | null)[],
  firstResponse: (Date | null)[],
): Promise<void> {
  let pending = rows.map((_, i) => i);
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt >= 8) throw new Error('could not find free case references');
    const c = caseColumns(rows, customerIds, firstResponse, pending);
    const pendingIds = plainArray(pending.map((i) => ids[i]!));
    const r = await sql<{ n: number }>`WITH ins AS (
        INSERT INTO cases (id, reference, subject, description, type, type_rank, status, resolution,
          team_id, owner_id, customer_id, created_at, updated_at, resolved_at, wake_at, last_activity_at, fields, priority, tags,
          last_message_preview, last_message_from_customer, last_message_author_id, last_message_at, first_response_at)
        SELECT u.id, u.reference, u.subject, u.description, u.type, u.type_rank, u.status, u.resolution,
          u.team_id, u.owner_id, u.customer_id, u.created_at, u.last_activity_at, u.resolved_at, u.wake_at, u.last_activity_at,
          coalesce(u.fields, '{}'::jsonb), u.priority, u.tags::text[], u.preview, u.from_customer, u.author, u.last_at, u.first_at
        FROM unnest(${pendingIds}::uuid[], ${plainArray(newReferences(pending.length))}::text[], ${c.subject}::text[],
          ${c.description}::text[], ${c.type}::text[], ${c.typeRank}::smallint[], ${c.status}::text[], ${c.resolution}::text[],
          ${c.team}::uuid[], ${c.owner}::uuid[], ${c.customer}::uuid[], ${c.created}::timestamptz[], ${c.resolved}::timestamptz[],
          ${c.wake}::timestamptz[], ${c.activity}::timestamptz[], ${c.fields}::jsonb[], ${c.priority}::smallint[], ${c.tags}::text[],
          ${c.preview}::text[], ${c.fromCustomer}::boolean[], ${c.author}::uuid[], ${c.lastAt}::timestamptz[], ${c.firstAt}::timestamptz[])
          AS u(id, reference, subject, description, type, type_rank, status, resolution, team_id, owner_id, customer_id,
            created_at, resolved_at, wake_at, last_activity_at, fields, priority, tags, preview, from_customer, author, last_at, first_at)
        ON CONFLICT (reference) DO NOTHING
        RETURNING id)
      SELECT x.n::int AS n FROM unnest(${pendingIds}::uuid[]) WITH ORDINALITY AS x(id, n) WHERE x.id NOT IN (SELECT id FROM ins)`.execute(
      trx,
    );
    // The rows whose reference was taken (usually none; a few per request at a million cases).
    pending = r.rows.map((x) => pending[x.n - 1]!);
  }
}

/** History (one `case.imported` per case, in input order) and followers, in one statement. */
async function insertHistory(trx: Kysely<Database>, ids: string[], rows: ImportRow[], actorId: string, now: Date): Promise<void> {
  const at = now.toISOString();
  const followed: string[] = [];
  const followers: string[] = [];
  rows.forEach((r, i) => {
    for (const u of r.collaboratorIds) {
      followed.push(ids[i]!);
      followers.push(u);
    }
  });
  await sql`WITH followers AS (
      INSERT INTO case_collaborators (case_id, user_id, created_at)
      SELECT f.c, f.u, ${at}::timestamptz FROM unnest(${plainArray(followed)}::uuid[], ${plainArray(followers)}::uuid[]) AS f(c, u))
    INSERT INTO case_events (case_id, type, actor_id, data, created_at)
    SELECT u.id, 'case.imported', ${actorId}::uuid, jsonb_build_object('status', u.status, 'type', u.type), ${at}::timestamptz
    FROM unnest(${plainArray(ids)}::uuid[], ${plainArray(rows.map((r) => r.status))}::text[], ${plainArray(rows.map((r) => r.type))}::text[])
      WITH ORDINALITY AS u(id, status, type, n)
    ORDER BY u.n`.execute(trx);
}

/** The notice that tells the live views of the teams and people concerned about the import, so open My Work pages refresh. */
function importNotices(rows: ImportRow[], now: Date): LiveNotice[] {
  const teams = new Set<string>();
  const users = new Set<string>();
  for (const r of rows) {
    teams.add(r.teamId);
    if (r.ownerId) users.add(r.ownerId);
    for (const u of r.collaboratorIds) users.add(u);
  }
  return [
    { caseId: '', ids: [''], types: ['case.imported'], at: now.toISOString(), audience: { teamIds: [...teams], userIds: [...users] } },
  ];
}

/**
 * Imports cases from another helpdesk keeping their times and state (SPEC §8). All or
 * nothing: every item is validated first, then everything is written in one transaction
 * with one multi-row statement per table, so a large migration runs at bulk speed.
 */
export async function importCases(deps: Deps, actor: AppUser, items: ImportItem[]): Promise<string[]> {
  if (!actor.permissions.has('case.import')) throw forbidden('import');
  const now = deps.clock.now();
  return inTransaction(deps, async (trx) => {
    const known = await loadKnown(trx, items);
    const defs = items.some((it) => it.fields) ? await listFieldDefinitions(trx) : [];
    const managed = items.some((it) => it.tags?.length) ? await managedTags(trx) : null;
    const { rows, errors } = validateImport(items, known, defs, managed);
    const messages = validateMessages(items, known, errors, MAX_ERRORS);
    if (errors.length) throw invalid(errors, `${errors.length}${errors.length >= 100 ? '+' : ''} invalid field(s); nothing was imported.`);
    withConversationTimes(rows, messages);
    const ids = uuidv7Many(rows.map((r) => r.createdAt.getTime()));
    const msgIds = messageIds(messages);
    const facts = conversationFacts(rows.length, messages, msgIds);
    const customerIds = await matchOrCreateCustomers(
      trx,
      rows.map((r) => r.customer),
      now,
    );
    // The search documents and first responses are written below, once per case (migration 039).
    await sql`SELECT set_config('casework.import', 'on', true)`.execute(trx);
    await insertCases(trx, ids, rows, customerIds, facts.firstResponse);
    if (messages.length) await insertMessages(trx, msgIds, ids, rows, messages, { plain: plainArray, text: textArray });
    await sql`SELECT casework_import_search(${plainArray(ids)}::uuid[], ${textArray(facts.publicText)}::text[],
      ${textArray(facts.notesText)}::text[])`.execute(trx);
    await sql`SELECT set_config('casework.import', 'off', true)`.execute(trx);
    await insertHistory(trx, ids, rows, actor.id, now);
    await importedClocks(trx, ids, rows, messages, now);
    announceOnCommit(trx, importNotices(rows, now));
    // An import adds a delta row per team and type: fold them once committed rather than at the next timer tick.
    afterCommit(trx, (db) => compactOpenCounts(db));
    return ids;
  });
}
