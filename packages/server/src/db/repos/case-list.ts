import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { CaseType, Status } from '@casework/domain';
import type { Database } from '../schema.ts';
import type { AppUser } from '../../auth/actor.ts';
import { selectCaseViews, toCaseView, type CaseView } from './case-views.ts';
import { visibleElsewhere, visibleParts, visibleTeams, visibleTo } from './visibility.ts';

export type CaseFilter = {
  status?: Status[];
  teamIds?: string[];
  owner?: { kind: 'none' } | { kind: 'user'; id: string };
  types?: CaseType[];
  following?: boolean;
  q?: string;
  createdFrom?: Date;
  createdTo?: Date;
};
export type CaseSort = 'created' | 'updated';
export type Cursor = { t: string; id: string };

export const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify([c.t, c.id])).toString('base64url');
export function decodeCursor(s: string): Cursor | null {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (Array.isArray(v) && typeof v[0] === 'string' && !Number.isNaN(Date.parse(v[0])) && /^[0-9a-f-]{36}$/.test(v[1])) return { t: v[0], id: v[1] };
  } catch { /* fall through */ }
  return null;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

// Filtering to teams whose cases the actor sees in full makes the visibility test redundant;
// leaving it out lets the planner walk the team's index in order instead of sorting the team.
const withinOwnTeams = (actor: AppUser, f: CaseFilter) =>
  Boolean(f.teamIds?.length) && actor.permissions.has('case.view_team') && f.teamIds!.every((t) => actor.teamIds.includes(t));

// Filters shared by the page and its total, so the count always describes the list.
function where(actor: AppUser, f: CaseFilter) {
  if (withinOwnTeams(actor, f)) return filters(actor, f);
  return sql<boolean>`${visibleTo(actor)} AND ${filters(actor, f)}`;
}

// The total: one count per disjoint part of what the actor may see (see visibleParts).
function countSql(actor: AppUser, f: CaseFilter) {
  const rest = filters(actor, f);
  const parts = withinOwnTeams(actor, f) ? [sql<boolean>`true`] : visibleParts(actor);
  const counts = parts.map((v) => sql`(SELECT count(*) FROM cases c WHERE ${v} AND ${rest})`);
  return sql<{ n: number }>`SELECT (${sql.join(counts, sql` + `)})::int AS n`;
}

/**
 * The ids of one page. For an agent's broad lists, the newest of each own team (one short index
 * walk per team) and of the cases owned or followed elsewhere are merged, instead of sorting
 * every visible case: the page costs the same at 10k and at 1M cases.
 */
function pageSql(actor: AppUser, f: CaseFilter, cond: RawBuilder<boolean>, col: RawBuilder<unknown>, after: RawBuilder<unknown>, n: number) {
  const order = sql`ORDER BY ${col} DESC, c.id DESC LIMIT ${n}`;
  // Selective filters (an owner, following, a search) have better indexes than the teams' order.
  const selective = f.owner?.kind === 'user' || f.following || Boolean(f.q);
  if (actor.permissions.has('case.view_all') || withinOwnTeams(actor, f) || selective) {
    return sql<{ id: string }>`SELECT c.id FROM cases c WHERE ${cond} ${after} ${order}`;
  }
  const rest = filters(actor, f);
  const arms = [
    sql`SELECT p.id, p.t FROM unnest(${visibleTeams(actor)}::uuid[]) AS vt(team_id) CROSS JOIN LATERAL (
      SELECT c.id, ${col} AS t FROM cases c WHERE c.team_id = vt.team_id AND ${rest} ${after} ${order}) p`,
    ...visibleElsewhere(actor).map((v) => sql`(SELECT c.id, ${col} AS t FROM cases c WHERE ${v} AND ${rest} ${after} ${order})`),
  ];
  return sql<{ id: string }>`SELECT x.id FROM (${sql.join(arms, sql` UNION ALL `)}) x ORDER BY x.t DESC, x.id DESC LIMIT ${n}`;
}

function filters(actor: AppUser, f: CaseFilter) {
  const parts = [sql<boolean>`true`];
  if (f.status?.length) parts.push(sql`c.status = ANY(${f.status}::text[])`);
  if (f.teamIds?.length) parts.push(sql`c.team_id = ANY(${f.teamIds}::uuid[])`);
  if (f.owner?.kind === 'none') parts.push(sql`c.owner_id IS NULL`);
  if (f.owner?.kind === 'user') parts.push(sql`c.owner_id = ${f.owner.id}::uuid`);
  if (f.types?.length) parts.push(sql`c.type = ANY(${f.types}::text[])`);
  if (f.following) parts.push(sql`EXISTS (SELECT 1 FROM case_collaborators fc WHERE fc.case_id = c.id AND fc.user_id = ${actor.id}::uuid)`);
  if (f.createdFrom) parts.push(sql`c.created_at >= ${f.createdFrom}`);
  if (f.createdTo) parts.push(sql`c.created_at < ${f.createdTo}`);
  if (f.q) {
    const like = `%${escapeLike(f.q)}%`;
    // Matching customers are found first (trigram indexes) and their ids compared as an array,
    // so subject, reference and customer matches combine as index scans (migration 003).
    parts.push(sql`(c.subject ILIKE ${like} OR c.reference = ${f.q.toUpperCase()}
      OR c.customer_id = ANY(ARRAY(SELECT sc.id FROM customers sc WHERE sc.name ILIKE ${like} OR sc.email ILIKE ${like} OR sc.phone = ${f.q})))`);
  }
  return sql<boolean>`${sql.join(parts, sql` AND `)}`;
}

/** One page of the cases the actor may see, newest first by created or updated time, and the total. */
export async function listCases(
  db: Kysely<Database>, actor: AppUser, f: CaseFilter, sort: CaseSort, limit: number, cursor: Cursor | null,
): Promise<{ cases: CaseView[]; total: number; nextCursor: string | null }> {
  const col = sort === 'updated' ? sql.ref('c.updated_at') : sql.ref('c.created_at');
  const cond = where(actor, f);
  const after = cursor ? sql`AND (${col}, c.id) < (${new Date(cursor.t)}, ${cursor.id}::uuid)` : sql``;
  // The page's ids first (a plain index scan), then their cases through the one case view:
  // planning the view's joins once for 26 known ids is cheaper than planning them with the filters.
  const [picked, count] = await Promise.all([
    pageSql(actor, f, cond, col, after, limit + 1).execute(db),
    countSql(actor, f).execute(db),
  ]);
  const ids = picked.rows.map((r) => r.id);
  const views = ids.length ? await selectCaseViews(db).where(sql<boolean>`c.id = ANY(${ids}::uuid[])`).execute() : [];
  const byId = new Map(views.map((r) => [r.id, r]));
  const rows = ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  const page = rows.slice(0, limit).map(toCaseView);
  const last = page[page.length - 1];
  const nextCursor = rows.length > limit && last
    ? encodeCursor({ t: (sort === 'updated' ? last.updatedAt : last.createdAt).toISOString(), id: last.id })
    : null;
  return { cases: page, total: count.rows[0]!.n, nextCursor };
}
