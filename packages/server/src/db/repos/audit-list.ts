import { sql, type Kysely } from 'kysely';
import type { AuditChanges } from '@casework/domain';
import type { Database } from '../schema.ts';

export type AuditEntry = {
  id: string;
  at: Date;
  actorId: string | null;
  actorName: string | null;
  action: string;
  target: { type: string; id: string | null; label: string | null };
  ip: string | null;
  changes: AuditChanges;
  detail: Record<string, unknown> | null;
};

/** The list's filters: one actor, actions (an exact name, or `prefix.` for a family: `user.`), a time range, a target. */
export type AuditFilter = {
  actorId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  targetType?: string;
  targetId?: string;
};

export type AuditCursor = { at: Date; id: string };

const enc = (c: AuditCursor) => Buffer.from(JSON.stringify([c.at.toISOString(), c.id])).toString('base64url');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A cursor from the previous page's `nextCursor`, or null if it is not one. */
export function decodeAuditCursor(s: string): AuditCursor | null {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (!Array.isArray(v) || typeof v[0] !== 'string' || Number.isNaN(Date.parse(v[0])) || typeof v[1] !== 'string' || !UUID.test(v[1]))
      return null;
    return { at: new Date(v[0]), id: v[1] };
  } catch {
    return null;
  }
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

/**
 * A page of entries, newest first (time, then id), after the cursor: a keyset walk of one of the
 * indexes of migration 033, whichever filter leads. The actor's current name comes along.
 */
export async function listAuditEntries(
  q: Kysely<Database>,
  f: AuditFilter,
  page: { cursor: AuditCursor | null; limit: number },
): Promise<{ entries: AuditEntry[]; nextCursor: string | null }> {
  const conditions = [
    f.actorId ? sql`a.actor_id = ${f.actorId}::uuid` : null,
    f.action ? (f.action.endsWith('.') ? sql`a.action LIKE ${`${escapeLike(f.action)}%`}` : sql`a.action = ${f.action}`) : null,
    f.from ? sql`a.at >= ${f.from}` : null,
    f.to ? sql`a.at < ${f.to}` : null,
    f.targetType ? sql`a.target_type = ${f.targetType}` : null,
    f.targetId ? sql`a.target_id = ${f.targetId}` : null,
    page.cursor ? sql`(a.at, a.id) < (${page.cursor.at}::timestamptz, ${page.cursor.id}::uuid)` : null,
  ].filter((c) => c !== null);
  const where = conditions.length ? sql`WHERE ${sql.join(conditions, sql` AND `)}` : sql``;
  const r = await sql<{
    id: string;
    at: Date;
    actor_id: string | null;
    actor_name: string | null;
    action: string;
    target_type: string;
    target_id: string | null;
    target_label: string | null;
    ip: string | null;
    changes: AuditChanges;
    detail: Record<string, unknown> | null;
  }>`SELECT a.id::text AS id, a.at, a.actor_id::text AS actor_id, u.name AS actor_name, a.action, a.target_type, a.target_id,
      a.target_label, a.ip, a.changes, a.detail
    FROM (SELECT * FROM audit_log a ${where} ORDER BY a.at DESC, a.id DESC LIMIT ${page.limit + 1}) a
    LEFT JOIN users u ON u.id = a.actor_id
    ORDER BY a.at DESC, a.id DESC`.execute(q);
  const rows = r.rows.slice(0, page.limit);
  const last = rows.at(-1);
  return {
    entries: rows.map((x) => ({
      id: x.id,
      at: new Date(x.at),
      actorId: x.actor_id,
      actorName: x.actor_name,
      action: x.action,
      target: { type: x.target_type, id: x.target_id, label: x.target_label },
      ip: x.ip,
      changes: x.changes,
      detail: x.detail,
    })),
    nextCursor: r.rows.length > page.limit && last ? enc({ at: new Date(last.at), id: last.id }) : null,
  };
}
