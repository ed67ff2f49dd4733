import { sql } from 'kysely';
import { OPEN_STATUSES } from '@casework/domain';
import type { Deps } from '../../deps.ts';
import { unauthenticated } from '../../errors.ts';
import { sha256 } from '../../ids.ts';
import { attachmentsOf } from './attachments.ts';

export type ChatSession = { id: string; channelId: string; caseId: string; endedAt: Date | null; ratedAt: Date | null };
/** A picture or file on a chat message, as the customer sees it (served by GET /chat/sessions/:id/attachments/:attachmentId). */
type ChatAttachment = { id: string; name: string; contentType: string; size: number };
export type ChatMessage = {
  id: string;
  body: string;
  from: 'customer' | 'agent';
  authorName: string | null;
  createdAt: string;
  attachments: ChatAttachment[];
};
export type ChatState = {
  id: string;
  caseId: string;
  reference: string;
  status: string;
  ended: boolean;
  rated: boolean;
  rating: { stars: number; note: string | null } | null;
  /** The agent who has the chat (its case's owner), by first name only; null while nobody has taken it. */
  agent: { name: string } | null;
};

/** How an agent is named to a customer: their first name only (never an email or an id). */
export const agentFirstName = (fullName: string | null): string => fullName?.trim().split(/\s+/)[0] || 'Agent';

/** Checks a chat's secret token (hash compare) and returns its session: the customer's only credential. */
export async function authenticateChat(deps: Deps, sessionId: string, token: string | undefined): Promise<ChatSession> {
  if (!token) throw unauthenticated('This chat needs its token (X-Chat-Token header or token query parameter).');
  const r = await deps.db.kysely
    .selectFrom('chat_sessions as s')
    .innerJoin('channels as ch', 'ch.id', 's.channel_id')
    .select(['s.id', 's.channel_id', 's.case_id', 's.ended_at', 's.rated_at', 's.token_hash'])
    .where('s.id', '=', sessionId)
    .where('ch.deleted_at', 'is', null)
    .executeTakeFirst();
  if (!r || r.token_hash !== sha256(token)) throw unauthenticated('The chat token is not valid.');
  return { id: r.id, channelId: r.channel_id, caseId: r.case_id, endedAt: r.ended_at, ratedAt: r.rated_at };
}

/** What the customer may know about their chat: its case reference and status, never internals. */
export async function chatState(deps: Deps, sessionId: string): Promise<ChatState> {
  const r = await deps.db.kysely
    .selectFrom('chat_sessions as s')
    .innerJoin('cases as c', 'c.id', 's.case_id')
    .leftJoin('users as u', 'u.id', 'c.owner_id')
    .select(['s.id', 's.case_id', 's.ended_at', 's.rated_at', 'c.reference', 'c.status', 'c.rating_stars', 'c.rating_note', 'c.owner_id'])
    .select('u.name as owner_name')
    .where('s.id', '=', sessionId)
    .executeTakeFirstOrThrow();
  return {
    id: r.id,
    caseId: r.case_id,
    reference: r.reference,
    status: r.status,
    ended: r.ended_at !== null || !(OPEN_STATUSES as readonly string[]).includes(r.status),
    rated: r.rated_at !== null,
    rating: r.rating_stars === null ? null : { stars: r.rating_stars, note: r.rating_note },
    agent: r.owner_id === null ? null : { name: agentFirstName(r.owner_name) },
  };
}

type MessageRow = { id: string; body: string; direction: string; author_name: string | null; created_at: Date };

// What a customer may read of a case's conversation: public messages to and from them, never internal notes.
const PUBLIC_MESSAGES = sql`SELECT m.id::text AS id, m.body, m.direction, u.name AS author_name, m.created_at FROM messages m
  LEFT JOIN users u ON u.id = m.author_id WHERE NOT m.internal AND m.direction IN ('inbound','outbound')`;

/** The messages as the customer sees them, with their stored files (names and sniffed types; never a file not kept). */
async function toChatMessages(deps: Deps, rows: MessageRow[]): Promise<ChatMessage[]> {
  const files = await attachmentsOf(
    deps.db.kysely,
    rows.map((m) => m.id),
  );
  return rows.map((m) => ({
    id: m.id,
    body: m.body,
    from: m.direction === 'inbound' ? 'customer' : 'agent',
    authorName: m.direction === 'outbound' ? agentFirstName(m.author_name) : null,
    createdAt: new Date(m.created_at).toISOString(),
    attachments: (files.get(m.id) ?? [])
      .filter((a) => a.url !== null)
      .map((a) => ({ id: a.id, name: a.name, contentType: a.contentType, size: a.size })),
  }));
}

/** Public messages of the chat's case after a given message (never internal notes), oldest first. */
export async function chatMessages(deps: Deps, caseId: string, afterId: string | null, limit = 200): Promise<ChatMessage[]> {
  const r = await sql<MessageRow>`${PUBLIC_MESSAGES} AND m.case_id = ${caseId}::uuid
      ${afterId ? sql`AND (m.created_at, m.id) > (SELECT a.created_at, a.id FROM messages a WHERE a.id = ${afterId}::uuid)` : sql``}
    ORDER BY m.created_at, m.id LIMIT ${limit}`.execute(deps.db.kysely);
  return toChatMessages(deps, r.rows);
}

/** One public message of the chat's case (the answer to the customer's own send, however long the chat). */
export async function findChatMessage(deps: Deps, caseId: string, messageId: string): Promise<ChatMessage | undefined> {
  const r = await sql<MessageRow>`${PUBLIC_MESSAGES} AND m.case_id = ${caseId}::uuid AND m.id = ${messageId}::uuid`.execute(deps.db.kysely);
  return (await toChatMessages(deps, r.rows))[0];
}

/**
 * A file the customer may fetch: on a public message (theirs or an agent's reply) of the chat's
 * current case, stored. Undefined otherwise (internal notes' files never).
 */
export async function findChatAttachment(deps: Deps, caseId: string, attachmentId: string) {
  return deps.db.kysely
    .selectFrom('message_attachments as a')
    .innerJoin('messages as m', 'm.id', 'a.message_id')
    .select(['a.id', 'a.filename', 'a.content_type', 'a.size', 'a.file_path'])
    .where('a.id', '=', attachmentId)
    .where('a.state', '=', 'stored')
    .where('m.case_id', '=', caseId)
    .where('m.internal', '=', false)
    .where('m.direction', 'in', ['inbound', 'outbound'])
    .executeTakeFirst();
}
