import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import { decodeListCursor, listCases, type CaseFilter, type CaseSort, type ListCursor } from '../db/repos/case-list.ts';
import { listFieldDefinitions } from '../db/repos/case-fields.ts';
import { caseJson } from './presenters.ts';
import { csvRow, localParts, type FieldDefinition } from '@casework/domain';

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

type CaseJson = ReturnType<typeof caseJson>;

const pad = (n: number) => String(n).padStart(2, '0');
/** A time as the viewer's wall clock, "YYYY-MM-DD HH:MM:SS". */
function wallClock(iso: string, zone: string): string {
  const p = localParts(new Date(iso), zone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** A value in one cell: lists joined with "; ", objects by their name. */
function flat(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map((x) => String(flat(x) ?? '')).join('; ');
  if (typeof v === 'object') return String((v as { name?: unknown }).name ?? JSON.stringify(v));
  return v as string | number | boolean;
}

function record(c: CaseJson, zone: string, fields: readonly FieldDefinition[]) {
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
    wallClock(c.createdAt, zone),
    wallClock(c.updatedAt, zone),
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
  let cursor: ListCursor | null = null;
  let first = true;
  for (;;) {
    const page = await listCases(db, actor, filter, sort, EXPORT_BATCH, cursor, true, { total: false, matches: false });
    let chunk = first ? csvRow([...COLUMNS, ...fields.map((f) => f.label)]) : '';
    first = false;
    for (const c of page.cases) chunk += record(caseJson(c, actor), actor.timeZone, fields);
    yield chunk;
    if (!page.nextCursor) return;
    cursor = decodeListCursor(page.nextCursor);
  }
}
