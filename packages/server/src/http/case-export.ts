import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import {
  decodeListCursor,
  exportQuery,
  exportRows,
  listCases,
  type CaseFilter,
  type CaseSort,
  type ExportLine,
  type ListCursor,
} from '../db/repos/case-list.ts';
import type { CaseView } from '../db/repos/case-views.ts';
import { listFieldDefinitions } from '../db/repos/case-fields.ts';
import { readByCursor } from '../db/cursor.ts';
import { csvRow, wallClockFormatter, type FieldDefinition } from '@casework/domain';

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

/** A value in one cell: lists joined with "; ", objects by their name (db/csv-sql.ts writes the same in SQL). */
export function flat(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map((x) => String(flat(x) ?? '')).join('; ');
  if (typeof v === 'object') return String((v as { name?: unknown }).name ?? JSON.stringify(v));
  return v as string | number | boolean;
}

/** A row of the export's own read as a record (the same cells as `record`): the database wrote all but the times. */
const rowRecord = (r: ExportLine, wallClock: (instant: Date) => string) =>
  `${r.head}${wallClock(new Date(r.created_ms))},${wallClock(new Date(r.updated_ms))}${r.tail}\r\n`;

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

/** Characters of CSV sent at a time: well under the size V8 keeps in its old generation at once. */
const CHUNK_CHARS = 32 * 1024;

/**
 * A page's lines in chunks of about CHUNK_CHARS. Each chunk's string dies young, and between
 * chunks the event loop runs, so the next page's rows are read from the database while this page is
 * still being written (a whole page at once would hold the connection's socket unread meanwhile).
 */
function* inChunks<T>(items: readonly T[], line: (item: T) => string): Generator<string> {
  let chunk = '';
  for (const item of items) {
    chunk += line(item);
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/**
 * The Cases list as CSV (SPEC §12): the same filters and visibility as GET /cases, the next batch
 * read while one is turned into lines and sent, and only when the reader asks for more, so memory
 * stays flat (a few batches at most) however many cases match. Times are in the viewer's zone. A
 * search or the priority order pages through the list itself; otherwise the database writes each
 * line but its times (exportQuery through a cursor on PostgreSQL, keyset pages of exportRows on
 * the embedded database).
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
      yield* inChunks(page.cases, (c) => record(c, wallClock, fields));
      if (!page.nextCursor) return;
    }
  }
  const keys = fields.map((f) => f.key);
  if (deps.db.kind === 'postgres') {
    // One query through a cursor: a pass over the cases with the names joined once.
    // A reader that goes away returns this generator, and the loop returns the cursor's (its transaction ends).
    for await (const rows of readByCursor(db, exportQuery(actor, filter, sort, keys), EXPORT_ROWS_BATCH)) {
      yield* inChunks(rows, (r) => rowRecord(r, wallClock));
    }
    return;
  }
  // The embedded database's one connection is not held for the whole export: keyset pages.
  const read = (after: { k: string; id: string } | null) => ahead(exportRows(db, actor, filter, sort, EXPORT_ROWS_BATCH, after, keys));
  let next = read(null);
  for (;;) {
    const page = await next;
    if (page.last) next = read(page.last);
    yield* inChunks(page.rows, (r) => rowRecord(r, wallClock));
    if (!page.last) return;
  }
}
