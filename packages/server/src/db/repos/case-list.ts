import { sql, type Kysely, type RawBuilder } from 'kysely';
import { seesEveryCase, type CaseType, type Status } from '@casework/domain';
import type { Database } from '../schema.ts';
import type { AppUser } from '../../auth/actor.ts';
import { selectCaseViews, toCaseView, type CaseView } from './case-views.ts';
import { visibleElsewhere, visibleParts, visibleTeams, visibleTo } from '../sql-rules.ts';

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
    if (Array.isArray(v) && typeof v[0] === 'string' && !Number.isNaN(Date.parse(v[0])) && /^[0-9a-f-]{36}$/.test(v[1]))
      return { t: v[0], id: v[1] };
  } catch {
    /* fall through */
  }
  return null;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

// Filtering to teams whose cases the actor sees in full makes the visibility test redundant;
// leaving it out lets the planner walk the team's index in order instead of sorting the team.
const withinOwnTeams = (actor: AppUser, f: CaseFilter) =>
  Boolean(f.teamIds?.length) && f.teamIds!.every((t) => visibleTeams(actor).includes(t));

// Filters shared by the page and its total, so the count always describes the list.
function where(actor: AppUser, f: CaseFilter) {
  if (withinOwnTeams(actor, f)) return filters(actor, f);
  return sql<boolean>`${visibleTo(actor)} AND ${filters(actor, f)}`;
}

/**
 * Counting stops here for a count over the whole organisation (a user who sees every case,
 * outside their own teams): an exact total of a broad list or a common word at 1M cases
 * visits ~85,000 rows (150–400 ms), while 1,001 rows stay within milliseconds. Counts within
 * the user's own teams are bounded by those teams and stay exact. docs/PERFORMANCE.md.
 */
export const COUNT_CAP = 1000;

/** Whether this list's total is counted only up to COUNT_CAP (see there). */
export const countIsCapped = (actor: AppUser, f: CaseFilter) => seesEveryCase(actor) && !withinOwnTeams(actor, f);

// The total: one count per disjoint part of what the actor may see (see visibleParts), or, for
// an organisation-wide count, the matches up to one past the cap.
function countSql(actor: AppUser, f: CaseFilter) {
  const rest = filters(actor, f);
  if (countIsCapped(actor, f)) return sql`(SELECT count(*) FROM (SELECT 1 FROM cases c WHERE ${rest} LIMIT ${COUNT_CAP + 1}) capped)`;
  const parts = withinOwnTeams(actor, f) ? [sql<boolean>`true`] : visibleParts(actor);
  const counts = parts.map((v) => sql`(SELECT count(*) FROM cases c WHERE ${v} AND ${rest})`);
  return sql`(${sql.join(counts, sql` + `)})`;
}

/**
 * The ids of one page. For an agent's broad lists, the newest of each own team (one short index
 * walk per team) and of the cases owned or followed elsewhere are merged, instead of sorting
 * every visible case: the page costs the same at 10k and at 1M cases.
 */
function pageSql(
  actor: AppUser,
  f: CaseFilter,
  cond: RawBuilder<boolean>,
  col: RawBuilder<unknown>,
  after: RawBuilder<unknown>,
  n: number,
) {
  const order = sql`ORDER BY ${col} DESC, c.id DESC LIMIT ${n}`;
  // Selective filters (an owner, following, a search) have better indexes than the teams' order.
  const selective = f.owner?.kind === 'user' || f.following || Boolean(f.q);
  if (seesEveryCase(actor) || withinOwnTeams(actor, f) || selective) {
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
    // Matching customers are found once per statement (see matchingCustomers) and compared as
    // an array, so subject, reference and customer matches combine as index scans (migration 003).
    parts.push(sql`(c.subject ILIKE ${`%${escapeLike(f.q)}%`} OR c.reference = ${f.q.toUpperCase()}
      OR c.customer_id = ANY((SELECT mc.ids FROM matching_customers mc)::uuid[]))`);
  }
  return sql<boolean>`${sql.join(parts, sql` AND `)}`;
}

/**
 * The customers a search matches by name, email or phone (trigram indexes), read once per
 * statement into an array that the page and every part of the count compare against (reading
 * an email fragment's trigram lists takes ~10 ms at 450,000 customers).
 */
function matchingCustomers(f: CaseFilter): RawBuilder<unknown>[] {
  if (!f.q) return [];
  const like = `%${escapeLike(f.q)}%`;
  return [
    sql`matching_customers AS MATERIALIZED (SELECT ARRAY(SELECT sc.id FROM customers sc
    WHERE sc.name ILIKE ${like} OR sc.email ILIKE ${like} OR sc.phone = ${f.q}) AS ids)`,
  ];
}

const withCtes = (ctes: RawBuilder<unknown>[]) => (ctes.length ? sql`WITH ${sql.join(ctes)} ` : sql``);

/**
 * A search whose total is exact (within the actor's teams, owned and followed cases): every
 * match is found once, per disjoint part of visibility, and both the total and the page are
 * read from them. Each part takes the cheaper of two plans: a common word scans the teams'
 * entries in cases_team_search (index only; a few thousand per agent), a rare one intersects
 * the trigram index with the teams. The matches are bounded by the actor's teams.
 */
function searchSql(actor: AppUser, f: CaseFilter, col: RawBuilder<unknown>, cursor: Cursor | null, n: number) {
  const rest = filters(actor, f);
  const parts = withinOwnTeams(actor, f) ? [sql<boolean>`true`] : visibleParts(actor);
  const arms = parts.map((v) => sql`SELECT c.id, ${col} AS t FROM cases c WHERE ${v} AND ${rest}`);
  const after = cursor ? sql`WHERE (m.t, m.id) < (${new Date(cursor.t)}, ${cursor.id}::uuid)` : sql``;
  return sql<{
    ids: string[];
    n: number;
  }>`${withCtes([...matchingCustomers(f), sql`matches AS MATERIALIZED (${sql.join(arms, sql` UNION ALL `)})`])}
    SELECT ARRAY(SELECT m.id FROM matches m ${after} ORDER BY m.t DESC, m.id DESC LIMIT ${n})::text[] AS ids,
      (SELECT count(*) FROM matches)::int AS n`;
}

export type CaseListPage = {
  cases: CaseView[];
  /** Exact when totalCapped is false; otherwise COUNT_CAP, and more cases match. */
  total: number;
  totalCapped: boolean;
  nextCursor: string | null;
};

/** One page of the cases the actor may see, newest first by created or updated time, and the total. */
export async function listCases(
  db: Kysely<Database>,
  actor: AppUser,
  f: CaseFilter,
  sort: CaseSort,
  limit: number,
  cursor: Cursor | null,
): Promise<CaseListPage> {
  const col = sort === 'updated' ? sql.ref('c.updated_at') : sql.ref('c.created_at');
  const capped = countIsCapped(actor, f);
  // The page's ids and the total in one statement (one round trip, customers matched once),
  // then their cases through the one case view: planning the view's joins once for 26 known
  // ids is cheaper than planning them with the filters.
  let statement;
  if (f.q && !capped) statement = searchSql(actor, f, col, cursor, limit + 1);
  else {
    const after = cursor ? sql`AND (${col}, c.id) < (${new Date(cursor.t)}, ${cursor.id}::uuid)` : sql``;
    statement = sql<{ ids: string[]; n: number }>`${withCtes(matchingCustomers(f))}SELECT
      ARRAY(${pageSql(actor, f, where(actor, f), col, after, limit + 1)})::text[] AS ids, ${countSql(actor, f)}::int AS n`;
  }
  const { ids, n } = (await statement.execute(db)).rows[0]!;
  const views = ids.length ? await selectCaseViews(db).where(sql<boolean>`c.id = ANY(${ids}::uuid[])`).execute() : [];
  const byId = new Map(views.map((r) => [r.id, r]));
  const rows = ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  const page = rows.slice(0, limit).map(toCaseView);
  const last = page[page.length - 1];
  const nextCursor =
    rows.length > limit && last
      ? encodeCursor({ t: (sort === 'updated' ? last.updatedAt : last.createdAt).toISOString(), id: last.id })
      : null;
  const totalCapped = capped && n > COUNT_CAP;
  return { cases: page, total: totalCapped ? COUNT_CAP : n, totalCapped, nextCursor };
}

/**
 * How many cases the actor may see match the filters, counted up to `cap` (more: `capped`): a
 * badge's count. Each disjoint part of visibility (see visibleParts) stops after cap + 1 matches,
 * so a count costs at most that many index entries per part however large the teams are.
 */
export async function countCasesUpTo(
  db: Kysely<Database>,
  actor: AppUser,
  f: CaseFilter,
  cap: number,
): Promise<{ total: number; totalCapped: boolean }> {
  const rest = filters(actor, f);
  const parts = seesEveryCase(actor) || withinOwnTeams(actor, f) ? [sql<boolean>`true`] : visibleParts(actor);
  const counts = parts.map((v) => sql`(SELECT count(*) FROM (SELECT 1 FROM cases c WHERE ${v} AND ${rest} LIMIT ${cap + 1}) part)`);
  const statement = sql<{ n: number }>`${withCtes(matchingCustomers(f))}SELECT (${sql.join(counts, sql` + `)})::int AS n`;
  const { n } = (await statement.execute(db)).rows[0]!;
  return { total: Math.min(n, cap), totalCapped: n > cap };
}
