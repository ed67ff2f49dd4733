import { sql, type Kysely, type RawBuilder } from 'kysely';
import { SECTION_KEYS, type CaseType, type SectionKey } from '@casework/domain';
import type { Database } from '../schema.ts';
import { bind, section } from '../sql-rules.ts';
import { selectCaseViews, toCaseView, type CaseView, type CaseViewRow } from './case-views.ts';
import { encodeCursor, type Cursor } from './case-list.ts';

/** SQL twin of the domain's sectionOf: which of V's cases each My Work section holds (db/sql-rules.ts). */
function sectionWhere(key: SectionKey, userId: string, today: { start: Date; end: Date }): RawBuilder<boolean> {
  return bind(section(key), { user: sql`${userId}::uuid`, day_start: sql`${today.start}`, day_end: sql`${today.end}` });
}

export type SectionPage = { key: SectionKey; count: number; cases: CaseView[]; nextCursor: string | null };

/** A page of one section (newest created first, ties by id) and its total count. */
export async function loadSection(
  db: Kysely<Database>,
  key: SectionKey,
  userId: string,
  today: { start: Date; end: Date },
  limit: number,
  cursor: Cursor | null,
): Promise<SectionPage> {
  const cond = sectionWhere(key, userId, today);
  let q = selectCaseViews(db).where(cond);
  if (cursor) q = q.where(sql<boolean>`(c.created_at, c.id) < (${new Date(cursor.t)}, ${cursor.id}::uuid)`);
  const [rows, count] = await Promise.all([
    q
      .orderBy('c.created_at', 'desc')
      .orderBy('c.id', 'desc')
      .limit(limit + 1)
      .execute(),
    sql<{ n: number }>`SELECT count(*)::int AS n FROM cases c WHERE ${cond}`.execute(db),
  ]);
  const cases = rows.slice(0, limit).map(toCaseView);
  const last = cases[cases.length - 1];
  return {
    key,
    count: count.rows[0]!.n,
    cases,
    nextCursor: rows.length > limit && last ? encodeCursor({ t: last.createdAt.toISOString(), id: last.id }) : null,
  };
}

type MyWorkRow = CaseViewRow & { k: 'meta' | 'next' | SectionKey; meta: MyWorkMeta | null };
type MyWorkMeta = {
  pick: { id: string; type: CaseType; createdToday: boolean; guard: { breached: boolean; count: number } | null } | null;
  total: number;
  today: number;
  counts: Record<SectionKey, number>;
  collapsed: string[];
  max: number | null;
  open: number;
};

export type MyWorkRead = Omit<MyWorkMeta, 'pick'> & {
  /** `guard`: picked by the SLA guard, with whether its first response breached and how many queued cases it guards. */
  pick: { case: CaseView; type: CaseType; createdToday: boolean; guard: { breached: boolean; count: number } | null } | null;
  pages: SectionPage[];
};

/**
 * Everything My Work shows in one statement (`casework_my_work`, migrations 008 and 012): the queue head
 * of `teamIds` and the queue's size, every section's first page and count, the user's collapsed
 * sections and open-case capacity, all from one snapshot.
 */
export async function loadMyWork(
  db: Kysely<Database>,
  userId: string,
  teamIds: string[],
  today: { start: Date; end: Date },
  limit: number,
  now: Date,
): Promise<MyWorkRead> {
  const r = await sql<MyWorkRow>`SELECT * FROM casework_my_work(${userId}::uuid, ${teamIds}::uuid[], ${today.start}, ${today.end},
    ${limit}, ${now})`.execute(db);
  const meta = r.rows.find((row) => row.k === 'meta')?.meta;
  if (!meta) throw new Error('casework_my_work returned no meta row');
  const next = r.rows.find((row) => row.k === 'next');
  const pages = SECTION_KEYS.map((key): SectionPage => {
    const mine = r.rows.filter((row) => row.k === key).map(toCaseView);
    const cases = mine.slice(0, limit);
    const last = cases[cases.length - 1];
    return {
      key,
      count: meta.counts[key],
      cases,
      nextCursor: mine.length > limit && last ? encodeCursor({ t: last.createdAt.toISOString(), id: last.id }) : null,
    };
  });
  const pick =
    meta.pick && next
      ? { case: toCaseView(next), type: meta.pick.type, createdToday: meta.pick.createdToday, guard: meta.pick.guard ?? null }
      : null;
  return { ...meta, pick, pages };
}
