import { sql, type Kysely, type RawBuilder } from 'kysely';
import { SECTION_KEYS, type SectionKey } from '@casework/domain';
import type { Database } from '../schema.ts';
import { selectCaseViews, toCaseView, type CaseView } from './case-views.ts';
import { encodeCursor, type Cursor } from './case-list.ts';

const CHAT = sql`('web_connect','support_sdk')`;

/** SQL twin of the domain's sectionOf: which of V's cases each My Work section holds. */
function sectionWhere(key: SectionKey, userId: string, today: { start: Date; end: Date }): RawBuilder<boolean> {
  const me = sql`${userId}::uuid`;
  switch (key) {
    case 'active_chats': return sql<boolean>`c.owner_id = ${me} AND c.status = 'ready' AND c.type IN ${CHAT}`;
    case 'ready': return sql<boolean>`c.owner_id = ${me} AND c.status = 'ready' AND c.type NOT IN ${CHAT}`;
    case 'waiting': return sql<boolean>`c.owner_id = ${me} AND c.status = 'waiting'`;
    case 'solved_today': return sql<boolean>`c.owner_id = ${me} AND c.status = 'resolved'
      AND c.resolved_at >= ${today.start} AND c.resolved_at < ${today.end}`;
    case 'following': return sql<boolean>`c.id IN (SELECT f.case_id FROM case_collaborators f WHERE f.user_id = ${me})
      AND c.owner_id IS DISTINCT FROM ${me} AND c.status IN ('new','ready','waiting')`;
  }
}

export type SectionPage = { key: SectionKey; count: number; cases: CaseView[]; nextCursor: string | null };

/** A page of one section (newest created first, ties by id) and its total count. */
export async function loadSection(
  db: Kysely<Database>, key: SectionKey, userId: string, today: { start: Date; end: Date }, limit: number, cursor: Cursor | null,
): Promise<SectionPage> {
  const cond = sectionWhere(key, userId, today);
  let q = selectCaseViews(db).where(cond);
  if (cursor) q = q.where(sql<boolean>`(c.created_at, c.id) < (${new Date(cursor.t)}, ${cursor.id}::uuid)`);
  const [rows, count] = await Promise.all([
    q.orderBy('c.created_at', 'desc').orderBy('c.id', 'desc').limit(limit + 1).execute(),
    sql<{ n: number }>`SELECT count(*)::int AS n FROM cases c WHERE ${cond}`.execute(db),
  ]);
  const cases = rows.slice(0, limit).map(toCaseView);
  const last = cases[cases.length - 1];
  return {
    key, count: count.rows[0]!.n, cases,
    nextCursor: rows.length > limit && last ? encodeCursor({ t: last.createdAt.toISOString(), id: last.id }) : null,
  };
}

/**
 * The first page and count of every section in three statements: the ids of the five pages
 * (a UNION ALL of five small index scans), one row of five counts, and their cases read once
 * through the case view, together with `extraIds` (My Work's next case). A UNION of five full
 * case-view queries spent more time planning five join trees than executing them.
 */
export async function loadAllSections(
  db: Kysely<Database>, userId: string, today: { start: Date; end: Date }, limit: number, extraIds: Promise<string[]> = Promise.resolve([]),
): Promise<{ pages: SectionPage[]; extra: Map<string, CaseView> }> {
  const pages = SECTION_KEYS.map((key) => sql`(SELECT ${key}::text AS k, c.id FROM cases c WHERE ${sectionWhere(key, userId, today)}
    ORDER BY c.created_at DESC, c.id DESC LIMIT ${limit + 1})`);
  const counts = SECTION_KEYS.map((key) => sql`(SELECT count(*)::int FROM cases c WHERE ${sectionWhere(key, userId, today)}) AS ${sql.ref(key)}`);
  const [ids, n, extraList] = await Promise.all([
    sql<{ k: SectionKey; id: string }>`${sql.join(pages, sql` UNION ALL `)}`.execute(db),
    sql<Record<SectionKey, number>>`SELECT ${sql.join(counts)}`.execute(db),
    extraIds,
  ]);
  const all = [...new Set([...ids.rows.map((r) => r.id), ...extraList])];
  const views = all.length === 0 ? [] : await selectCaseViews(db).where(sql<boolean>`c.id = ANY(${all}::uuid[])`).execute();
  const byId = new Map(views.map((r) => [r.id, toCaseView(r)]));
  return {
    extra: new Map(extraList.flatMap((id) => (byId.has(id) ? [[id, byId.get(id)!] as const] : []))),
    pages: SECTION_KEYS.map((key) => {
      const mine = ids.rows.filter((r) => r.k === key).flatMap((r) => (byId.has(r.id) ? [byId.get(r.id)!] : []));
      const cases = mine.slice(0, limit);
      const last = cases[cases.length - 1];
      return {
        key, count: n.rows[0]![key], cases,
        nextCursor: mine.length > limit && last ? encodeCursor({ t: last.createdAt.toISOString(), id: last.id }) : null,
      };
    }),
  };
}
