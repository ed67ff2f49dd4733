import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import {
  decodeListCursor,
  exportRows,
  listCases,
  type CaseFilter,
  type CaseSort,
  type ExportRow,
  type ListCursor,
} from '../db/repos/case-list.ts';
import type { CaseView } from '../db/repos/case-views.ts';
import { listFieldDefinitions } from '../db/repos/case-fields.ts';
import { csvRow, DEFAULT_PRIORITY, priorityOfRank, wallClockFormatter, type FieldDefinition } from '@casework/domain';

/** Cases read per statement while exporting a search (one page of the list at a time). */
export const EXPORT_BATCH = 1000;
/** Cases read per statement while exporting by keyset: the export's own narrow rows. */
const EXPORT_ROWS_BATCH = 2000;

/** The fixed columns, then one per custom field. */
const COLUMNS = [
  'reference',
  'id',
  'subject',
  'status',
  'type',
  'team',
  'owner',
  'customer_name',
  'customer_email',
  'created',
  'updated',
  'priority',
  'tags',
];

/** A value in one cell: lists joined with "; ", objects by their name. */
function flat(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map((x) => String(flat(x) ?? '')).join('; ');
  if (typeof v === 'object') return String((v as { name?: unknown }).name ?? JSON.stringify(v));
  return v as string | number | boolean;
}

/** A row of the export's own read as a record (the same cells as `record`). */
function rowRecord(r: ExportRow, wallClock: (instant: Date) => string, fields: readonly FieldDefinition[]) {
  return csvRow([
    r.reference,
    r.id,
    r.subject,
    r.status,
    r.type,
    r.team_name,
    r.owner_name,
    r.customer_name,
    r.customer_email,
    wallClock(new Date(r.created_ms)),
    wallClock(new Date(r.updated_ms)),
    priorityOfRank(r.priority) ?? DEFAULT_PRIORITY,
    flat(r.tags),
    ...fields.map((f) => flat(r.fields?.[f.key])),
  ]);
}

function record(c: CaseView, wallClock: (instant: Date) => string, fields: readonly FieldDefinition[]) {
  return csvRow([
    c.reference,
    c.id,
    c.subject,
    c.status,
    c.type,
    c.teamName,
    c.ownerName,
    c.customer?.name ?? null,
    c.customer?.email ?? null,
    wallClock(c.createdAt),
    wallClock(c.updatedAt),
    c.priority,
    flat(c.tags),
    ...fields.map((f) => flat(c.fields?.[f.key])),
  ]);
}

/**
 * A page read ahead: the next page is read while this one is turned into lines and sent. If the
 * reader goes away first, its failure is not left unhandled (an awaiting reader still gets it).
 */
function ahead<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/**
 * The Cases list as CSV (SPEC §12): the same filters and visibility as GET /cases, read page after
 * page by its keyset cursor (no total, no offsets), the next page read while one is turned into
 * lines and sent, and only when the reader asks for more, so memory stays flat (two pages at most)
 * however many cases match. Times are in the viewer's zone.
 */
export async function* exportCases(deps: Deps, actor: AppUser, filter: CaseFilter, sort: CaseSort): AsyncGenerator<string> {
  const db = deps.db.kysely;
  const fields = await listFieldDefinitions(db);
  const wallClock = wallClockFormatter(actor.timeZone);
  yield csvRow([...COLUMNS, ...fields.map((f) => f.label)]);
  if (filter.q || (sort !== 'created' && sort !== 'updated')) {
    // A search or the priority order pages through the list itself.
    const read = (cursor: ListCursor | null) =>
      ahead(listCases(db, actor, filter, sort, EXPORT_BATCH, cursor, true, { total: false, matches: false }));
    let next = read(null);
    for (;;) {
      const page = await next;
      if (page.nextCursor) next = read(decodeListCursor(page.nextCursor));
      let chunk = '';
      for (const c of page.cases) chunk += record(c, wallClock, fields);
      if (chunk) yield chunk;
      if (!page.nextCursor) return;
    }
  }
  const read = (after: { k: string; id: string } | null) =>
    ahead(exportRows(db, actor, filter, sort, EXPORT_ROWS_BATCH, after, fields.length > 0));
  let next = read(null);
  for (;;) {
    const page = await next;
    if (page.last) next = read(page.last);
    let chunk = '';
    for (const r of page.rows) chunk += rowRecord(r, wallClock, fields);
    if (chunk) yield chunk;
    if (!page.last) return;
  }
}
