import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../schema.ts';
import type { CaseView } from './case-views.ts';
import { phoneSearchDigits } from '../../phone.ts';

/**
 * Search over whole conversations (SPEC §10; migration 017): the words of a search against each
 * case's full-text document (subject, description, messages and internal notes), plus the
 * language-neutral fallbacks for what is not prose: the case reference (exact) and the customer's
 * name, email (trigram substring) or phone (exact, or a whole number's digits however typed: phone.ts).
 */

/** Where a listed case matched a search, with the matching words marked (plain text and ranges, never markup). */
export type SearchMatch = {
  in: 'reference' | 'message' | 'note' | 'subject' | 'description' | 'customer';
  snippet: string;
  highlights: { start: number; length: number }[];
  messageId?: string;
};

const MAX_WORDS = 16;
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

/**
 * The words of `q` as tsquery text for `to_tsquery('simple', …)`: every word must match, words of
 * three or more characters also as a prefix (as typed: `refu` finds "refund"); each word is quoted,
 * so no operator of the tsquery syntax can come from the user. Without `notes`, only the document's
 * subject, description and public messages (weights A, B, D) may match. Null when q has no word.
 */
export function searchWords(q: string, notes: boolean): string | null {
  const words = q
    .split(/\s+/)
    .filter((w) => /[\p{L}\p{N}]/u.test(w))
    .slice(0, MAX_WORDS);
  if (!words.length) return null;
  const weights = notes ? '' : 'ABD';
  return words
    .map((w) => `'${w.replace(/\\/g, '\\\\').replace(/'/g, "''")}':${[...w].length >= 3 ? '*' : ''}${weights}`)
    .map((t) => (t.endsWith(':') ? t.slice(0, -1) : t))
    .join(' & ');
}

/** The tsquery of searchWords' text. */
const tsQuery = (words: string) => sql`to_tsquery('simple'::regconfig, ${words})`;

/**
 * The customers a search matches by name, email or phone (trigram indexes), read once per
 * statement into an array (reading an email fragment's trigram lists takes ~10 ms at 450,000 customers).
 */
export function matchingCustomersCte(q: string): RawBuilder<unknown> {
  const like = `%${escapeLike(q)}%`;
  // A whole number typed any way ("555 010 2000", 7+ digits) finds the stored E.164 form by its digits.
  const digits = phoneSearchDigits(q, 7);
  const phone = digits ? sql`OR sc.phone LIKE ${`%${digits}%`}` : sql``;
  return sql`matching_customers AS MATERIALIZED (SELECT ARRAY(SELECT sc.id FROM customers sc
    WHERE sc.name ILIKE ${like} OR sc.email ILIKE ${like} OR sc.phone = ${q} ${phone}) AS ids)`;
}

const customerIds = sql`(SELECT mc.ids FROM matching_customers mc)::uuid[]`;

export type SearchScope =
  /** Only the documents of these teams can match (an agent's own teams, or a filter to some teams). */
  | { teams: string[]; elsewhere: RawBuilder<boolean> | null }
  /** Any document can match (a user who sees every case, no team filter). */
  | { teams: null; elsewhere: null };

/**
 * The cases a search can match, each with its relevance, each part read from an index: the words
 * from `case_search_doc` (within the scope's teams, the team and the words intersected inside the
 * GIN index; and the few cases seen outside those teams, by the `elsewhere` condition), ranked
 * where they are read (ts_rank: a subject word weighs 1.0, a description word 0.4, a note 0.2,
 * a message 0.1); the exact reference from `cases_reference` (10, far above any text); the
 * customers' cases from `cases_customer` (0.5). Rows are (id, score), a case once per part that
 * matched: sum them per case. Visibility and the other filters are applied by the caller.
 */
export function candidatesSql(q: string, words: string | null, scope: SearchScope): RawBuilder<unknown> {
  const arms: RawBuilder<unknown>[] = [];
  if (words) {
    const tq = tsQuery(words);
    const match = sql`s.doc @@ ${tq}`;
    const rank = sql`ts_rank(s.doc, ${tq})::float8`;
    if (scope.teams === null) arms.push(sql`SELECT s.case_id AS id, ${rank} AS score FROM case_search s WHERE ${match}`);
    else {
      if (scope.teams.length)
        arms.push(
          sql`SELECT s.case_id AS id, ${rank} AS score FROM case_search s WHERE s.team_id = ANY(${scope.teams}::uuid[]) AND ${match}`,
        );
      if (scope.elsewhere)
        arms.push(
          sql`SELECT c.id, ${rank} AS score FROM cases c JOIN case_search s ON s.case_id = c.id WHERE ${scope.elsewhere} AND ${match}`,
        );
    }
  }
  arms.push(sql`SELECT c.id, 10::float8 AS score FROM cases c WHERE c.reference = ${q.toUpperCase()}`);
  arms.push(sql`SELECT c.id, 0.5::float8 AS score FROM cases c WHERE c.customer_id = ANY(${customerIds})`);
  return sql`${sql.join(arms, sql` UNION ALL `)}`;
}

// Marks around the matching words in ts_headline's answer; removed from the text beforehand,
// so a marker in a message can never pose as one.
const START = '\u0002';
const STOP = '\u0003';
const HEADLINE = `StartSel="${START}", StopSel="${STOP}", MaxWords=28, MinWords=12, ShortWord=2`;
const HEADLINE_ALL = `StartSel="${START}", StopSel="${STOP}", HighlightAll=true`;

/** A headline with marks as plain text and ranges; whitespace runs become one space. */
function fromMarked(s: string): { snippet: string; highlights: { start: number; length: number }[] } {
  let out = '';
  const highlights: { start: number; length: number }[] = [];
  let open = -1;
  for (const ch of s.trim()) {
    if (ch === START) open = out.length;
    else if (ch === STOP) {
      if (open >= 0 && out.length > open) highlights.push({ start: open, length: out.length - open });
      open = -1;
    } else if (/\s/.test(ch)) {
      if (!out.endsWith(' ')) out += ' ';
    } else out += ch;
  }
  return { snippet: out, highlights };
}

/** Every case-insensitive occurrence of `q` in `text`, as a match. */
function literal(kind: SearchMatch['in'], text: string, q: string): SearchMatch {
  const highlights: { start: number; length: number }[] = [];
  const lower = text.toLowerCase();
  const needle = q.toLowerCase();
  if (needle.length && lower.length === text.length) {
    for (let i = lower.indexOf(needle); i >= 0; i = lower.indexOf(needle, i + needle.length))
      highlights.push({ start: i, length: q.length });
  }
  return { in: kind, snippet: text, highlights };
}

type HeadlineRow = {
  case_id: string;
  message_id: string | null;
  internal: boolean | null;
  message: string | null;
  subject: string | null;
  description: string | null;
};

/**
 * Where each listed case matched: the exact reference first, then its best message or note
 * (ts_headline around the words), the subject, the description, the customer. One statement
 * for the page; only the page's messages are read.
 */
export async function searchMatches(
  db: Kysely<Database>,
  cases: CaseView[],
  q: string,
  words: string | null,
  notes: boolean,
): Promise<Map<string, SearchMatch>> {
  const out = new Map<string, SearchMatch>();
  const ref = q.toUpperCase();
  let rows: HeadlineRow[] = [];
  if (words && cases.length) {
    const tq = tsQuery(words);
    const clean = (col: RawBuilder<unknown>) => sql`translate(${col}, ${START + STOP}, '')`;
    const r = await sql<HeadlineRow>`SELECT c.id::text AS case_id, m.id::text AS message_id, m.internal,
        CASE WHEN m.id IS NOT NULL THEN ts_headline('simple'::regconfig, ${clean(sql`m.body`)}, ${tq}, ${HEADLINE}) END AS message,
        CASE WHEN to_tsvector('simple'::regconfig, c.subject) @@ ${tq}
          THEN ts_headline('simple'::regconfig, ${clean(sql`c.subject`)}, ${tq}, ${HEADLINE_ALL}) END AS subject,
        CASE WHEN c.description IS NOT NULL AND to_tsvector('simple'::regconfig, c.description) @@ ${tq}
          THEN ts_headline('simple'::regconfig, ${clean(sql`c.description`)}, ${tq}, ${HEADLINE}) END AS description
      FROM cases c LEFT JOIN LATERAL (
        SELECT x.id, x.internal, x.body FROM messages x
        WHERE x.case_id = c.id AND to_tsvector('simple'::regconfig, x.body) @@ ${tq} ${notes ? sql`` : sql`AND NOT x.internal`}
        ORDER BY ts_rank(to_tsvector('simple'::regconfig, x.body), ${tq}) DESC, x.created_at DESC, x.id DESC LIMIT 1) m ON true
      WHERE c.id = ANY(${cases.map((c) => c.id)}::uuid[])`.execute(db);
    rows = r.rows;
  }
  const byCase = new Map(rows.map((r) => [r.case_id, r]));
  for (const c of cases) {
    const h = byCase.get(c.id);
    let match: SearchMatch | null = null;
    if (c.reference === ref) match = { in: 'reference', snippet: c.reference, highlights: [{ start: 0, length: c.reference.length }] };
    else if (h?.message_id && h.message !== null)
      match = { in: h.internal ? 'note' : 'message', ...fromMarked(h.message), messageId: h.message_id };
    else if (h?.subject) match = { in: 'subject', ...fromMarked(h.subject) };
    else if (h?.description) match = { in: 'description', ...fromMarked(h.description) };
    else if (c.customer) {
      const who = [c.customer.name, c.customer.email, c.customer.phone].filter(Boolean).join(' · ');
      match = literal('customer', who, q);
    }
    if (match) out.set(c.id, match);
  }
  return out;
}
