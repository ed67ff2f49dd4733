import { sql, type Kysely, type RawBuilder } from 'kysely';
import {
  priorityRank,
  seesEveryCase,
  slaColumns,
  type CaseType,
  type FieldValue,
  type Priority,
  type SlaFilter,
  type Status,
} from '@casework/domain';
import type { Database } from '../schema.ts';
import { csvFieldSql, csvTextSql, priorityNameSql } from '../csv-sql.ts';
import type { AppUser } from '../../auth/actor.ts';
import { selectCaseViews, toCaseView, type CaseView } from './case-views.ts';
import {
  SLA_DUE_NONE,
  listedStatus,
  slaAttentionSql,
  slaDueKey,
  unlistedStatuses,
  visibleElsewhere,
  visibleParts,
  visibleTeams,
  visibleTo,
} from '../sql-rules.ts';
import { candidatesSql, matchingCustomersCte, searchMatches, searchWords, type SearchMatch, type SearchScope } from './case-search.ts';

export type CaseFilter = {
  status?: Status[];
  teamIds?: string[];
  owner?: { kind: 'none' } | { kind: 'user'; id: string };
  types?: CaseType[];
  following?: boolean;
  q?: string;
  /** Any of these priorities. */
  priorities?: Priority[];
  /** Every one of these tags (lower-case). */
  tags?: string[];
  createdFrom?: Date;
  createdTo?: Date;
  /** Custom field values every case must have (`field.<key>=value`; a multiselect value is the list of options it must include). */
  fields?: Record<string, FieldValue>;
  /** Cases whose SLA targets are breached or due soon at `at` (SPEC §12; the domain's slaAttention). */
  sla?: { state: SlaFilter; at: Date };
};
/**
 * Newest first by created or updated time; `priority`: urgent first, then newest first by created
 * time; `due`: the nearest SLA due time first, cases without one last; `relevance` (searches only)
 * best match first.
 */
export type CaseSort = 'created' | 'updated' | 'priority' | 'due' | 'relevance';
/** Where a page ended: the last case's time (created/updated order) and id. */
export type Cursor = { t: string; id: string };
/** Where a search's page ended in relevance order: the last case's score and id; in due order (`due`), its due key. */
type RankCursor = { r: number; id: string };
/** Where a page in priority order ended: the last case's priority rank, created time and id. */
type PriorityCursor = { p: number; t: string; id: string };
export type ListCursor = Cursor | RankCursor | PriorityCursor;

export const encodeCursor = (c: ListCursor) =>
  Buffer.from(JSON.stringify('p' in c ? [c.t, c.id, c.p] : ['t' in c ? c.t : c.r, c.id])).toString('base64url');
/** A time cursor (My Work sections, lists by time). */
export function decodeCursor(s: string): Cursor | null {
  const c = decodeListCursor(s);
  return c && 't' in c && !('p' in c) ? c : null;
}
/** A cursor of the Cases list: by time, by priority, or by relevance. */
export function decodeListCursor(s: string): ListCursor | null {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (!Array.isArray(v) || typeof v[1] !== 'string' || !/^[0-9a-f-]{36}$/.test(v[1])) return null;
    const time = typeof v[0] === 'string' && !Number.isNaN(Date.parse(v[0]));
    if (v.length === 3) return time && Number.isInteger(v[2]) && v[2] >= 0 && v[2] < 32768 ? { p: v[2], t: v[0], id: v[1] } : null;
    if (v.length !== 2) return null;
    if (time) return { t: v[0], id: v[1] };
    if (typeof v[0] === 'number' && Number.isFinite(v[0])) return { r: v[0], id: v[1] };
  } catch {
    /* fall through */
  }
  return null;
}

/** Whether a cursor came from a list in this order (a relevance cursor continues only a relevance list, and so on). */
export const cursorFits = (c: ListCursor, sort: CaseSort) => {
  if (sort === 'relevance' || sort === 'due') return 'r' in c;
  if (sort === 'priority') return 'p' in c;
  return 't' in c && !('p' in c);
};

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
const countIsCapped = (actor: AppUser, f: CaseFilter) => seesEveryCase(actor) && !withinOwnTeams(actor, f);

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
  keys: RawBuilder<unknown>[],
  after: RawBuilder<unknown>,
  n: number,
) {
  const desc = (ks: RawBuilder<unknown>[]) => sql.join([...ks, sql`c.id`].map((k) => sql`${k} DESC`));
  const order = sql`ORDER BY ${desc(keys)} LIMIT ${n}`;
  // Selective filters (an owner, following, a custom field) have better indexes than the teams' order.
  const selective = f.owner?.kind === 'user' || f.following || hasFieldFilter(f);
  if (seesEveryCase(actor) || withinOwnTeams(actor, f) || selective) {
    return sql<{ id: string }>`SELECT c.id FROM cases c WHERE ${cond} ${after} ${order}`;
  }
  const rest = filters(actor, f);
  // Each arm carries its sort keys as k0, k1… so the merge orders by them.
  const named = sql.join(keys.map((k, i) => sql`${k} AS ${sql.raw(`k${i}`)}`));
  const outer = sql.join([...keys.map((_, i) => sql.raw(`x.k${i} DESC`)), sql`x.id DESC`]);
  const arms = [
    sql`SELECT p.* FROM unnest(${visibleTeams(actor)}::uuid[]) AS vt(team_id) CROSS JOIN LATERAL (
      SELECT c.id, ${named} FROM cases c WHERE c.team_id = vt.team_id AND ${rest} ${after} ${order}) p`,
    ...visibleElsewhere(actor).map((v) => sql`(SELECT c.id, ${named} FROM cases c WHERE ${v} AND ${rest} ${after} ${order})`),
  ];
  return sql<{ id: string }>`SELECT x.id FROM (${sql.join(arms, sql` UNION ALL `)}) x ORDER BY ${outer} LIMIT ${n}`;
}

const hasFieldFilter = (f: CaseFilter) => Boolean(f.fields && Object.keys(f.fields).length);

function filters(actor: AppUser, f: CaseFilter) {
  const parts = [sql<boolean>`true`];
  // Spam is listed only when asked for by name (SPEC §13; the domain's listedByDefault).
  if (f.status?.length) parts.push(sql`c.status = ANY(${f.status}::text[])`);
  else parts.push(sql.raw(listedStatus('c')));
  if (f.teamIds?.length) parts.push(sql`c.team_id = ANY(${f.teamIds}::uuid[])`);
  if (f.owner?.kind === 'none') parts.push(sql`c.owner_id IS NULL`);
  if (f.owner?.kind === 'user') parts.push(sql`c.owner_id = ${f.owner.id}::uuid`);
  if (f.types?.length) parts.push(sql`c.type = ANY(${f.types}::text[])`);
  if (f.following) parts.push(sql`EXISTS (SELECT 1 FROM case_collaborators fc WHERE fc.case_id = c.id AND fc.user_id = ${actor.id}::uuid)`);
  if (f.priorities?.length) parts.push(sql`c.priority = ANY(${f.priorities.map(priorityRank)}::smallint[])`);
  // Containment over the GIN index cases_tags (team, tags), whose condition (tags present) is stated so the planner may use it (migration 020).
  if (f.tags?.length) parts.push(sql`c.tags @> ${f.tags}::text[] AND c.tags <> '{}'::text[]`);
  if (f.createdFrom) parts.push(sql`c.created_at >= ${f.createdFrom}`);
  if (f.createdTo) parts.push(sql`c.created_at < ${f.createdTo}`);
  // Containment over the GIN index cases_fields, whose condition (values present) is stated so the planner may use it (migration 019).
  if (hasFieldFilter(f)) parts.push(sql`c.fields @> ${JSON.stringify(f.fields)}::jsonb AND c.fields <> '{}'::jsonb`);
  if (f.sla) parts.push(slaAttentionSql(f.sla.state, f.sla.at));
  return sql<boolean>`${sql.join(parts, sql` AND `)}`;
}

/** Whether the filters are only the search (no status, team, owner, type, following, priority, tag, field or dates). */
const isBare = (f: CaseFilter) =>
  !f.status?.length &&
  !f.teamIds?.length &&
  !f.owner &&
  !f.types?.length &&
  !f.following &&
  !f.priorities?.length &&
  !f.tags?.length &&
  !hasFieldFilter(f) &&
  !f.createdFrom &&
  !f.createdTo &&
  !f.sla;

/** Which documents a search of this actor reads (see SearchScope): their teams' (or the filter's), and the cases seen elsewhere. */
function searchScope(actor: AppUser, f: CaseFilter): SearchScope {
  if (seesEveryCase(actor)) return f.teamIds?.length ? { teams: f.teamIds, elsewhere: null } : { teams: null, elsewhere: null };
  if (withinOwnTeams(actor, f)) return { teams: f.teamIds!, elsewhere: null };
  return { teams: visibleTeams(actor), elsewhere: sql<boolean>`(${sql.join(visibleElsewhere(actor), sql` OR `)})` };
}

/**
 * A search (SPEC §10): the candidates come from indexes (the words within the actor's teams, the
 * reference, the customers: see candidatesSql), so the work follows the matches, not the teams'
 * sizes; visibility and the other filters are then checked on each candidate's row, so nothing
 * outside the actor's view is listed or counted. The matches are found once and both the page
 * and the total read from them (an organisation-wide total is counted up to the cap).
 */
function searchSql(actor: AppUser, f: CaseFilter, sort: CaseSort, cursor: ListCursor | null, n: number, words: string | null) {
  const q = f.q!;
  const scope = searchScope(actor, f);
  const relevance = sort === 'relevance';
  const key = relevance ? sql`m.score` : sort === 'due' ? slaDueKey() : sql.ref(sort === 'updated' ? 'c.updated_at' : 'c.created_at');
  // The priority rank leads in priority order; otherwise every hit has the same (0).
  const lead = sort === 'priority' ? sql`c.priority` : sql`0`;
  // Someone who sees every case, with no other filter, needs no case row to rank the matches.
  const bare = relevance && seesEveryCase(actor) && isBare(f);
  let after = sql``;
  if (cursor && 'r' in cursor) after = sql`WHERE (h.k, h.id) < (${cursor.r}::float8, ${cursor.id}::uuid)`;
  else if (cursor && 'p' in cursor)
    after = sql`WHERE (h.p, h.k, h.id) < (${cursor.p}::int, ${new Date(cursor.t)}::timestamptz, ${cursor.id}::uuid)`;
  else if (cursor) after = sql`WHERE (h.k, h.id) < (${new Date(cursor.t)}::timestamptz, ${cursor.id}::uuid)`;
  const count = countIsCapped(actor, f)
    ? sql`(SELECT count(*) FROM (SELECT 1 FROM hits LIMIT ${COUNT_CAP + 1}) capped)`
    : sql`(SELECT count(*) FROM hits)`;
  return sql<{ ids: string[]; ks: string[]; n: number }>`WITH ${matchingCustomersCte(q)},
    matched AS (SELECT x.id, sum(x.score) AS score FROM (${candidatesSql(q, words, scope)}) x GROUP BY x.id),
    hits AS MATERIALIZED (${
      bare
        ? // Only the few unlisted cases (spam, kept for its retention period; partial index cases_spam) are read.
          sql`SELECT m.id, 0 AS p, m.score AS k FROM matched m
            WHERE m.id NOT IN (SELECT u.id FROM cases u WHERE u.status IN ${sql.raw(unlistedStatuses())})`
        : sql`SELECT c.id, ${lead}::int AS p, ${key} AS k FROM matched m JOIN cases c ON c.id = m.id WHERE ${visibleTo(actor)} AND ${filters(actor, f)}`
    }),
    page AS (SELECT h.id, h.p, h.k FROM hits h ${after} ORDER BY h.p DESC, h.k DESC, h.id DESC LIMIT ${n})
    SELECT ARRAY(SELECT p.id::text FROM page p ORDER BY p.p DESC, p.k DESC, p.id DESC) AS ids,
      ARRAY(SELECT p.k::text FROM page p ORDER BY p.p DESC, p.k DESC, p.id DESC) AS ks, ${count}::int AS n`;
}

export type CaseListPage = {
  cases: CaseView[];
  /** For a search: where each listed case matched (by case id). */
  matches: Map<string, SearchMatch>;
  /** Exact when totalCapped is false; otherwise COUNT_CAP, and more cases match. */
  total: number;
  totalCapped: boolean;
  nextCursor: string | null;
};

/**
 * One page of the cases the actor may see, newest first by created or updated time (or, for a
 * search, by relevance), and the total. `notes`: whether internal notes' words may match. An
 * export reads page after page without the total (`want.total` false; 0 then) and without where
 * each search hit matched.
 */
export async function listCases(
  db: Kysely<Database>,
  actor: AppUser,
  f: CaseFilter,
  sort: CaseSort,
  limit: number,
  cursor: ListCursor | null,
  notes: boolean,
  want: { total: boolean; matches: boolean } = { total: true, matches: true },
): Promise<CaseListPage> {
  if (!f.q && sort === 'relevance') sort = 'created';
  const col = sort === 'updated' ? sql.ref('c.updated_at') : sql.ref('c.created_at');
  const keys = sort === 'priority' ? [sql.ref('c.priority'), col] : sort === 'due' ? [slaDueKey()] : [col];
  const capped = countIsCapped(actor, f);
  // The page's ids and the total in one statement (one round trip, customers matched once),
  // then their cases through the one case view: planning the view's joins once for 26 known
  // ids is cheaper than planning them with the filters.
  const words = f.q ? searchWords(f.q, notes) : null;
  let statement: RawBuilder<{ ids: string[]; ks?: string[]; n: number }>;
  if (f.q) statement = searchSql(actor, f, sort, cursor, limit + 1, words);
  else {
    let after = sql``;
    if (cursor && 'p' in cursor)
      after = sql`AND (c.priority, ${col}, c.id) < (${cursor.p}::smallint, ${new Date(cursor.t)}, ${cursor.id}::uuid)`;
    else if (cursor && 'r' in cursor) after = sql`AND (${slaDueKey()}, c.id) < (${cursor.r}::float8, ${cursor.id}::uuid)`;
    else if (cursor && 't' in cursor) after = sql`AND (${col}, c.id) < (${new Date(cursor.t)}, ${cursor.id}::uuid)`;
    statement = sql<{ ids: string[]; ks?: string[]; n: number }>`SELECT
      ARRAY(${pageSql(actor, f, where(actor, f), keys, after, limit + 1)})::text[] AS ids, ${want.total ? countSql(actor, f) : sql`0`}::int AS n`;
  }
  const { ids, ks, n } = (await statement.execute(db)).rows[0]!;
  const views = ids.length ? await selectCaseViews(db).where(sql<boolean>`c.id = ANY(${ids}::uuid[])`).execute() : [];
  const byId = new Map(views.map((r) => [r.id, r]));
  const rows = ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  const page = rows.slice(0, limit).map(toCaseView);
  const last = page[page.length - 1];
  let nextCursor: string | null = null;
  if (rows.length > limit && last) {
    if (sort === 'relevance') nextCursor = encodeCursor({ r: Number(ks![ids.indexOf(last.id)]), id: last.id });
    else if (sort === 'due') {
      const due = slaColumns(last.sla ?? null, last.status).dueAt;
      nextCursor = encodeCursor({ r: due ? -due.getTime() : SLA_DUE_NONE, id: last.id });
    } else if (sort === 'priority')
      nextCursor = encodeCursor({ p: priorityRank(last.priority), t: last.createdAt.toISOString(), id: last.id });
    else nextCursor = encodeCursor({ t: (sort === 'updated' ? last.updatedAt : last.createdAt).toISOString(), id: last.id });
  }
  const totalCapped = capped && n > COUNT_CAP;
  const matches = f.q && want.matches ? await searchMatches(db, page, f.q, words, notes) : new Map<string, SearchMatch>();
  return { cases: page, matches, total: totalCapped ? COUNT_CAP : n, totalCapped, nextCursor };
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
  let statement: RawBuilder<{ n: number }>;
  if (f.q) {
    // A search counts its candidates (read from indexes, see candidatesSql) that the actor sees.
    const candidates = candidatesSql(f.q, searchWords(f.q, true), searchScope(actor, f));
    statement = sql<{ n: number }>`WITH ${matchingCustomersCte(f.q)} SELECT count(*)::int AS n FROM (SELECT 1 FROM cases c
      WHERE c.id IN (SELECT x.id FROM (${candidates}) x) AND ${visibleTo(actor)} AND ${rest} LIMIT ${cap + 1}) part`;
  } else {
    const parts = seesEveryCase(actor) || withinOwnTeams(actor, f) ? [sql<boolean>`true`] : visibleParts(actor);
    const counts = parts.map((v) => sql`(SELECT count(*) FROM (SELECT 1 FROM cases c WHERE ${v} AND ${rest} LIMIT ${cap + 1}) part)`);
    statement = sql<{ n: number }>`SELECT (${sql.join(counts, sql` + `)})::int AS n`;
  }
  const { n } = (await statement.execute(db)).rows[0]!;
  return { total: Math.min(n, cap), totalCapped: n > cap };
}

export type TagCount = { name: string; count: number };

/**
 * The tags on cases the actor may see, with how many of those cases carry each (SPEC §10 GET
 * /tags), most used first. The actor's teams (or every team, for someone who sees every case)
 * are summed from `case_tag_counts` (kept by triggers, migration 020), so the cost follows the
 * number of tags, not of cases; the cases seen outside those teams (owned or followed: the
 * disjoint parts of visibleElsewhere) are counted from their rows. `prefix`: tags starting with it.
 */
export async function countTags(db: Kysely<Database>, actor: AppUser, prefix: string | null, limit: number): Promise<TagCount[]> {
  const all = seesEveryCase(actor);
  const teams = all ? sql<boolean>`true` : sql<boolean>`tc.team_id = ANY(${visibleTeams(actor)}::uuid[])`;
  const arms = [
    sql`SELECT tc.tag, tc.n FROM case_tag_counts tc WHERE ${teams} AND tc.n > 0`,
    ...(all ? [] : visibleElsewhere(actor)).map(
      (v) => sql`SELECT t.tag, 1 AS n FROM cases c CROSS JOIN unnest(c.tags) AS t(tag) WHERE ${v} AND c.tags <> '{}'::text[]`,
    ),
  ];
  const starts = prefix ? sql`WHERE starts_with(x.tag, ${prefix})` : sql``;
  const r = await sql<TagCount>`SELECT x.tag AS name, sum(x.n)::int AS count FROM (${sql.join(arms, sql` UNION ALL `)}) x ${starts}
    GROUP BY x.tag HAVING sum(x.n) > 0 ORDER BY count DESC, name LIMIT ${limit}`.execute(db);
  return r.rows;
}

/**
 * A case as the CSV export reads it: its line written by the database (db/csv-sql.ts) but for the
 * two times, which the export writes in the viewer's zone from epoch milliseconds (no Date per row).
 */
export type ExportLine = {
  /** The cells before the creation time (reference … customer email), each followed by its comma. */
  head: string;
  created_ms: number;
  updated_ms: number;
  /** The cells after the update time (priority, tags, one per custom field), each preceded by its comma. */
  tail: string;
};

/** An export line with the case id and its sort key as the database wrote it (exact, for the next page's keyset). */
type ExportRow = ExportLine & { id: string; k: string };

/** The export's columns (ExportLine) of the case `c` with its team `t`, owner `o` and customer `cu`. */
function exportColumns(fieldKeys: readonly string[]) {
  const cells = (list: RawBuilder<string>[]) => sql.join(list, sql` || ',' || `);
  // A uuid (hex digits and hyphens) never needs quoting nor an apostrophe.
  const head = cells([
    csvTextSql(sql.ref('c.reference')),
    sql`c.id::text`,
    ...['c.subject', 'c.status', 'c.type', 't.name', 'o.name', 'cu.name', 'cu.email'].map((c) => csvTextSql(sql.ref(c))),
  ]);
  const tail = cells([
    sql`''`,
    priorityNameSql(sql.ref('c.priority')),
    csvTextSql(sql`array_to_string(c.tags, '; ')`),
    ...fieldKeys.map((key) => csvFieldSql(sql.ref('c.fields'), key)),
  ]);
  return sql`${head} || ',' AS head,
      (extract(epoch FROM c.created_at) * 1000)::float8 AS created_ms, (extract(epoch FROM c.updated_at) * 1000)::float8 AS updated_ms,
      ${tail} AS tail`;
}

const EXPORT_JOINS = sql`JOIN teams t ON t.id = c.team_id LEFT JOIN users o ON o.id = c.owner_id LEFT JOIN customers cu ON cu.id = c.customer_id`;
const exportOrder = (sort: 'created' | 'updated') => (sort === 'updated' ? sql.ref('c.updated_at') : sql.ref('c.created_at'));

/**
 * One page of an export without a search: the same page of ids as listCases (same filters,
 * visibility and order) and only the cells the export writes, in one statement (no case view:
 * no collaborators, description or last message read, no timestamp parsed into a Date). `after`
 * is the previous page's last row; `fieldKeys` the custom fields' columns, in order.
 */
export async function exportRows(
  db: Kysely<Database>,
  actor: AppUser,
  f: CaseFilter,
  sort: 'created' | 'updated',
  limit: number,
  after: { k: string; id: string } | null,
  fieldKeys: readonly string[],
): Promise<{ rows: ExportRow[]; last: { k: string; id: string } | null }> {
  const col = exportOrder(sort);
  const from = after ? sql`AND (${col}, c.id) < (${after.k}::timestamptz, ${after.id}::uuid)` : sql``;
  const r = await sql<ExportRow>`SELECT ${exportColumns(fieldKeys)}, c.id::text AS id, ${col}::text AS k
    FROM cases c ${EXPORT_JOINS}
    WHERE c.id IN (${pageSql(actor, f, where(actor, f), [col], from, limit)})
    ORDER BY ${col} DESC, c.id DESC`.execute(db);
  const last = r.rows[r.rows.length - 1];
  return { rows: r.rows, last: r.rows.length === limit && last ? { k: last.k, id: last.id } : null };
}

/**
 * Every line of an export without a search as one query, in the list's order (same filters and
 * visibility as listCases): for a cursor, which reads it in one pass (the teams, owners and
 * customers joined by hash once, not looked up again for every page).
 */
export function exportQuery(actor: AppUser, f: CaseFilter, sort: 'created' | 'updated', fieldKeys: readonly string[]) {
  const col = exportOrder(sort);
  return sql<ExportLine>`SELECT ${exportColumns(fieldKeys)} FROM cases c ${EXPORT_JOINS}
    WHERE ${where(actor, f)} ORDER BY ${col} DESC, c.id DESC`;
}
