import { sql, type Kysely } from 'kysely';
import { lastMessageAfter } from '@casework/domain';
import type { Database } from '../db/schema.ts';
import type { FieldError } from '../errors.ts';
import { uuidv7Many } from '../ids.ts';
import type { ImportItem, ImportMessage, ImportRow, KnownIds } from './import-validate.ts';

/** Most messages one request may import (bigger histories send several requests). */
const IMPORT_MAX_MESSAGES = 50_000;

const NOT_BLANK = /\S/;

type MessageRow = { item: number; body: string; direction: ImportMessage['direction']; authorId: string | null; createdAt: Date };

/**
 * Checks every item's messages: a body that is not blank, a time that is a date-time and not
 * before its case was created, an author only on replies and notes (an inbound message is the
 * customer's), naming a user that exists (inactive users may have written history). Reports
 * `cases.<i>.messages.<j>.<field>`; returns the rows in input order.
 */
export function validateMessages(items: ImportItem[], known: KnownIds, errors: FieldError[], maxErrors: number): MessageRow[] {
  const rows: MessageRow[] = [];
  const err = (field: string, message: string) => {
    if (errors.length < maxErrors) errors.push({ field, message });
  };
  let total = 0;
  items.forEach((item, i) => {
    const messages = item.messages;
    if (!messages?.length) return;
    total += messages.length;
    const caseCreated = Date.parse(item.createdAt);
    for (let j = 0; j < messages.length; j++) {
      const m = messages[j]!;
      const at = Date.parse(m.createdAt);
      const authorId = m.authorId ? m.authorId.toLowerCase() : null;
      if (!NOT_BLANK.test(m.body)) err(`cases.${i}.messages.${j}.body`, 'must not be blank');
      if (Number.isNaN(at)) err(`cases.${i}.messages.${j}.createdAt`, 'must be a date-time');
      else if (at < caseCreated) err(`cases.${i}.messages.${j}.createdAt`, "must not be before the case's createdAt");
      if (authorId && m.direction === 'inbound')
        err(`cases.${i}.messages.${j}.authorId`, "an inbound message is the customer's: it has no author");
      else if (authorId && known.missingUsers.has(authorId)) err(`cases.${i}.messages.${j}.authorId`, 'no such user');
      rows.push({ item: i, body: m.body, direction: m.direction, authorId, createdAt: new Date(at) });
    }
  });
  if (total > IMPORT_MAX_MESSAGES) err('cases', `at most ${IMPORT_MAX_MESSAGES} messages per request`);
  return rows;
}

/**
 * A case's last activity includes its imported conversation (the latest message, if later), and
 * its cards show the conversation's last public message (the domain's lastMessageAfter, the
 * later in the list on a tie, as lastMessageOf): the candidate is found first, so each case's
 * preview is made once.
 */
export function withConversationTimes(rows: ImportRow[], messages: MessageRow[]): void {
  const last = new Map<number, MessageRow>();
  for (const m of messages) {
    const r = rows[m.item]!;
    if (m.createdAt > r.lastActivityAt) r.lastActivityAt = m.createdAt;
    if (m.direction === 'note') continue;
    const seen = last.get(m.item);
    if (!seen || m.createdAt >= seen.createdAt) last.set(m.item, m);
  }
  for (const [item, m] of last) {
    const next = lastMessageAfter({ ...m, internal: false });
    const r = rows[item]!;
    if (next && (!r.lastMessage || next.at >= r.lastMessage.at)) r.lastMessage = next;
  }
}

/**
 * What the triggers derive from a conversation, made here for an import (migration 039): each
 * case's first reply to the customer, and the text of its search document (public messages and
 * notes, each in time order, as casework_messages_search joins them).
 */
export function conversationFacts(
  count: number,
  messages: readonly MessageRow[],
  messageIds: readonly string[],
): { firstResponse: (Date | null)[]; publicText: (string | null)[]; notesText: (string | null)[] } {
  const firstResponse = new Array<Date | null>(count).fill(null);
  const order = messages.map((_, k) => k);
  order.sort((a, b) => {
    const d = messages[a]!.createdAt.getTime() - messages[b]!.createdAt.getTime();
    if (d !== 0) return d;
    const x = messageIds[a]!;
    const y = messageIds[b]!;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const pub: (string[] | undefined)[] = new Array(count);
  const notes: (string[] | undefined)[] = new Array(count);
  for (const k of order) {
    const m = messages[k]!;
    const into = m.direction === 'note' ? notes : pub;
    const list = into[m.item];
    if (list) list.push(m.body);
    else into[m.item] = [m.body];
    if (m.direction === 'outbound' && firstResponse[m.item] === null) firstResponse[m.item] = m.createdAt;
  }
  const join = (xs: string[] | undefined) => (xs ? xs.join(' ') : null);
  return { firstResponse, publicText: Array.from(pub, join), notesText: Array.from(notes, join) };
}

const PART = 10_000;

/** The imported messages' ids: UUIDv7s of their own times. */
export const messageIds = (messages: readonly MessageRow[]) => uuidv7Many(messages.map((m) => m.createdAt.getTime()));

/**
 * The conversations in one multi-row statement per 10,000 messages (`ids`: time-ordered, from each
 * message's own time; see messageIds). Replies go out on the case's channel type, notes on `note`, as live
 * messages do; nothing is sent to anyone (it is history).
 */
export async function insertMessages(
  trx: Kysely<Database>,
  ids: readonly string[],
  caseIds: string[],
  rows: ImportRow[],
  messages: MessageRow[],
  arrays: { plain(xs: readonly (string | number | null)[]): string; text(xs: readonly (string | null)[]): string },
): Promise<void> {
  for (let from = 0; from < messages.length; from += PART) {
    const part = messages.slice(from, from + PART);
    await sql`INSERT INTO messages (id, case_id, body, internal, direction, channel, author_id, created_at)
      SELECT u.id, u.case_id, u.body, u.direction = 'note', u.direction, CASE WHEN u.direction = 'note' THEN 'note' ELSE u.channel END,
        u.author_id, u.created_at
      FROM unnest(${arrays.plain(ids.slice(from, from + PART))}::uuid[], ${arrays.plain(part.map((m) => caseIds[m.item]!))}::uuid[],
        ${arrays.text(part.map((m) => m.body))}::text[], ${arrays.plain(part.map((m) => m.direction))}::text[],
        ${arrays.plain(part.map((m) => rows[m.item]!.type))}::text[], ${arrays.plain(part.map((m) => m.authorId))}::uuid[],
        ${arrays.plain(part.map((m) => m.createdAt.toISOString()))}::timestamptz[])
        AS u(id, case_id, body, direction, channel, author_id, created_at)`.execute(trx);
  }
}
