import { sql, type Kysely } from 'kysely';
import type { Actor } from '@casework/domain';
import type { Database } from '../schema.ts';
import { selectCaseViews, toCaseView, type CaseView } from './case-views.ts';
import { phoneSearchDigits } from '../../phone.ts';
import { customerVisibleTo, listedStatus, openStatus, visibleTo } from '../sql-rules.ts';

export type CustomerRow = { id: string; name: string | null; email: string | null; phone: string | null; caseCount: number };
export type CustomerProfile = CustomerRow & {
  createdAt: Date;
  /** Earlier customers merged into this one: their details still reach it. */
  mergedIdentities: { name: string | null; email: string | null; phone: string | null }[];
  cases: CaseView[];
  casesNextCursor: string | null;
};
export type CustomerCursor = { k: string; id: string };

const enc = (v: unknown[]) => Buffer.from(JSON.stringify(v)).toString('base64url');
function dec(s: string): unknown[] | null {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    return Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const encodeCustomerCursor = (c: CustomerCursor) => enc([c.k, c.id]);
export function decodeCustomerCursor(s: string): CustomerCursor | null {
  const v = dec(s);
  return v && typeof v[0] === 'string' && typeof v[1] === 'string' && UUID.test(v[1]) ? { k: v[0], id: v[1] } : null;
}
const encodeCasesCursor = (c: { t: Date; id: string }) => enc([c.t.toISOString(), c.id]);
export function decodeCasesCursor(s: string): { t: Date; id: string } | null {
  const v = dec(s);
  return v && typeof v[0] === 'string' && !Number.isNaN(Date.parse(v[0])) && typeof v[1] === 'string' && UUID.test(v[1])
    ? { t: new Date(v[0]), id: v[1] }
    : null;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

/** The name a customer is listed under (name, else email, else phone), as customers_sort (migration 016) orders it. */
const SORT_KEY = sql`lower(COALESCE(cu.name, cu.email, cu.phone, '')) COLLATE "C"`;

/** The cases of customer `cu` the actor sees (spam is not listed: SPEC §13), counted from cases_customer_created. */
const visibleCount = (actor: Actor) =>
  sql<number>`(SELECT count(*) FROM cases c WHERE c.customer_id = cu.id AND ${visibleTo(actor)} AND ${sql.raw(listedStatus('c'))})::int`;

/**
 * A search: three characters or more match anywhere in the name, email or phone (a phone also by
 * its digits, however it is typed; trigram
 * indexes, migrations 003 and 016); shorter ones match the start of the listed name (customers_sort).
 */
function matches(q: string) {
  if (q.length >= 3) {
    const like = `%${escapeLike(q)}%`;
    // A number typed any way ("555 010 2000") finds the stored E.164 form by its digits (phone.ts).
    const digits = phoneSearchDigits(q);
    const phone = digits ? sql`OR cu.phone LIKE ${`%${digits}%`}` : sql``;
    return sql<boolean>`(cu.name ILIKE ${like} OR cu.email ILIKE ${like} OR cu.phone ILIKE ${like} ${phone})`;
  }
  return sql<boolean>`${SORT_KEY} LIKE ${`${escapeLike(q.toLowerCase())}%`}`;
}

/**
 * One page of the customers the actor may see (canViewCustomer), by listed name, with the
 * number of their cases the actor sees. Merged customers are left out.
 */
export async function listCustomers(
  db: Kysely<Database>,
  actor: Actor,
  q: string,
  cursor: CustomerCursor | null,
  limit: number,
): Promise<{ customers: CustomerRow[]; nextCursor: string | null }> {
  const search = q ? matches(q) : sql<boolean>`true`;
  const after = cursor ? sql`AND (${SORT_KEY}, cu.id) > (${cursor.k}, ${cursor.id}::uuid)` : sql``;
  const r = await sql<CustomerRow & { k: string }>`SELECT cu.id::text AS id, cu.name, cu.email, cu.phone,
      ${SORT_KEY} AS k, ${visibleCount(actor)} AS "caseCount"
    FROM customers cu
    WHERE cu.merged_into IS NULL AND ${search} AND ${customerVisibleTo(actor)} ${after}
    ORDER BY ${SORT_KEY}, cu.id LIMIT ${limit + 1}`.execute(db);
  const rows = r.rows.slice(0, limit);
  const last = rows[rows.length - 1];
  return {
    customers: rows.map(({ k: _k, ...c }) => c),
    nextCursor: r.rows.length > limit && last ? encodeCustomerCursor({ k: last.k, id: last.id }) : null,
  };
}

/**
 * A customer as the actor may see it, with their visible cases newest first (a page of
 * `limit`; `openOnly` for the open ones alone), or undefined when unknown, merged or invisible.
 */
export async function findCustomerProfile(
  db: Kysely<Database>,
  actor: Actor,
  id: string,
  opts: { limit: number; cursor: { t: Date; id: string } | null; openOnly: boolean },
): Promise<CustomerProfile | undefined> {
  const r = await sql<CustomerRow & { created_at: Date; merged: CustomerProfile['mergedIdentities'] | null }>`SELECT
      cu.id::text AS id, cu.name, cu.email, cu.phone, cu.created_at, ${visibleCount(actor)} AS "caseCount",
      (SELECT json_agg(json_build_object('name', m.name, 'email', m.email, 'phone', m.phone) ORDER BY m.merged_at, m.id)
        FROM customers m WHERE m.merged_into = cu.id) AS merged
    FROM customers cu WHERE cu.id = ${id}::uuid AND cu.merged_into IS NULL AND ${customerVisibleTo(actor)}`.execute(db);
  const row = r.rows[0];
  if (!row) return undefined;
  const after = opts.cursor ? sql`AND (c.created_at, c.id) < (${opts.cursor.t}, ${opts.cursor.id}::uuid)` : sql``;
  const open = opts.openOnly ? sql.raw(`AND ${openStatus('c')}`) : sql``;
  const ids = await sql<{ id: string }>`SELECT c.id::text AS id FROM cases c
    WHERE c.customer_id = ${id}::uuid AND ${visibleTo(actor)} AND ${sql.raw(listedStatus('c'))} ${open} ${after}
    ORDER BY c.created_at DESC, c.id DESC LIMIT ${opts.limit + 1}`.execute(db);
  const pageIds = ids.rows.map((x) => x.id);
  const views = pageIds.length ? await selectCaseViews(db).where(sql<boolean>`c.id = ANY(${pageIds}::uuid[])`).execute() : [];
  const byId = new Map(views.map((v) => [v.id, toCaseView(v)]));
  const cases = pageIds.flatMap((x) => (byId.has(x) ? [byId.get(x)!] : [])).slice(0, opts.limit);
  const last = cases[cases.length - 1];
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    caseCount: row.caseCount,
    createdAt: row.created_at instanceof Date ? row.created_at : new Date(row.created_at),
    mergedIdentities: row.merged ?? [],
    cases,
    casesNextCursor: pageIds.length > opts.limit && last ? encodeCasesCursor({ t: last.createdAt, id: last.id }) : null,
  };
}
