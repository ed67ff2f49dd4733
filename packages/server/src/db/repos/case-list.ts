import { sql, type Kysely } from 'kysely';
import type { CaseType, Status } from '@casework/domain';
import type { Database } from '../schema.ts';
import type { AppUser } from '../../auth/actor.ts';
import { selectCaseViews, toCaseView, type CaseView } from './case-views.ts';
import { visibleTo } from './visibility.ts';

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

// Filters shared by the page and its total, so the count always describes the list.
function where(actor: AppUser, f: CaseFilter) {
  const parts = [visibleTo(actor)];
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
  let q = selectCaseViews(db).where(cond);
  if (cursor) q = q.where(sql<boolean>`(${col}, c.id) < (${new Date(cursor.t)}, ${cursor.id}::uuid)`);
  const [rows, count] = await Promise.all([
    q.orderBy(col, 'desc').orderBy('c.id', 'desc').limit(limit + 1).execute(),
    sql<{ n: number }>`SELECT count(*)::int AS n FROM cases c WHERE ${cond}`.execute(db),
  ]);
  const page = rows.slice(0, limit).map(toCaseView);
  const last = page[page.length - 1];
  const nextCursor = rows.length > limit && last
    ? encodeCursor({ t: (sort === 'updated' ? last.updatedAt : last.createdAt).toISOString(), id: last.id })
    : null;
  return { cases: page, total: count.rows[0]!.n, nextCursor };
}
