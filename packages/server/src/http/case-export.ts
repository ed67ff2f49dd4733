import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import { decodeListCursor, exportPage, listCases, type CaseFilter, type CaseSort, type ListCursor } from '../db/repos/case-list.ts';
import type { CaseView } from '../db/repos/case-views.ts';
import { listFieldDefinitions } from '../db/repos/case-fields.ts';
import { csvRow, wallClockFormatter, type FieldDefinition } from '@casework/domain';

/** Cases read per statement while exporting: one keyset page of the list at a time. */
export const EXPORT_BATCH = 1000;

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
 * The Cases list as CSV (SPEC §12): the same filters and visibility as GET /cases, read page after
 * page by its keyset cursor (no total, no offsets), each page turned into lines only when the
 * reader asks for more, so memory stays flat however many cases match. Times are in the viewer's zone.
 */
export async function* exportCases(deps: Deps, actor: AppUser, filter: CaseFilter, sort: CaseSort): AsyncGenerator<string> {
  const db = deps.db.kysely;
  const fields = await listFieldDefinitions(db);
  const wallClock = wallClockFormatter(actor.timeZone);
  yield csvRow([...COLUMNS, ...fields.map((f) => f.label)]);
  for await (const cases of pages(deps, actor, filter, sort)) {
    let chunk = '';
    for (const c of cases) chunk += record(c, wallClock, fields);
    if (chunk) yield chunk;
  }
}

/** The list's pages in order: a search or the priority order through listCases, else by keyset in one statement a page. */
async function* pages(deps: Deps, actor: AppUser, filter: CaseFilter, sort: CaseSort): AsyncGenerator<CaseView[]> {
  const db = deps.db.kysely;
  if (filter.q || (sort !== 'created' && sort !== 'updated')) {
    let cursor: ListCursor | null = null;
    for (;;) {
      const page = await listCases(db, actor, filter, sort, EXPORT_BATCH, cursor, true, { total: false, matches: false });
      yield page.cases;
      if (!page.nextCursor) return;
      cursor = decodeListCursor(page.nextCursor);
    }
  }
  let after: Awaited<ReturnType<typeof exportPage>>['last'] = null;
  for (;;) {
    const page = await exportPage(db, actor, filter, sort, EXPORT_BATCH, after);
    yield page.cases;
    if (!page.last) return;
    after = page.last;
  }
}
