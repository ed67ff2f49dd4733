import { sql, type Kysely } from 'kysely';
import { OPEN_STATUSES, isChatType, type LifecycleEvent } from '@casework/domain';
import type { Database } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { Problem, notAllowedTransition, notFound, unauthenticated } from '../../errors.ts';
import { randomToken, sha256, uuidv7 } from '../../ids.ts';
import { inTransaction } from '../../outbox/outbox.ts';
import { lockCase, writeLifecycle } from '../../use-cases/case-write.ts';
import { receiveCustomerMessage, type InboundPayload } from '../../use-cases/receive-customer-message.ts';
import { findChannel, findChannelByKey } from '../../db/repos/channels.ts';

export type ChatSession = { id: string; channelId: string; caseId: string; endedAt: Date | null; ratedAt: Date | null };
export type ChatMessage = { id: string; body: string; from: 'customer' | 'agent'; authorName: string | null; createdAt: string };
export type ChatState = {
  id: string;
  caseId: string;
  reference: string;
  status: string;
  ended: boolean;
  rated: boolean;
  rating: { stars: number; note: string | null } | null;
};

const unavailable = () =>
  new Problem(503, 'internal', 'Try again', 'The message was received and will be delivered; please try again in a moment.');

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

const chatPayload = (
  sessionId: string,
  tokenHash: string,
  p: { name: string; email: string; message: string },
  start: boolean,
): InboundPayload => ({
  kind: 'message',
  customer: { name: p.name, email: p.email },
  replyTo: p.email,
  subject: `Chat: ${p.message.replace(/\s+/g, ' ').slice(0, 80)}`,
  body: p.message,
  lookup: [{ kind: 'chat', id: sessionId }],
  register: [{ kind: 'chat', id: sessionId }],
  forceNew: start,
  chat: { sessionId, tokenHash },
});

/**
 * Starts a chat on a web_connect or support_sdk channel: a new case on the channel's team with
 * the customer's first message. The token returned is shown once; only its hash is kept.
 */
export async function startChat(deps: Deps, channelKey: string, p: { name: string; email: string; message: string }) {
  const ch = await findChannelByKey(deps.db.kysely, channelKey);
  if (!ch || !isChatType(ch.type)) throw notFound('Chat channel');
  const id = uuidv7(deps.clock.now().getTime());
  const token = randomToken('chat_');
  const r = await receiveCustomerMessage(deps, ch, `chat-start:${id}`, chatPayload(id, sha256(token), p, true));
  if (!r.processed) throw unavailable();
  return { token, ...(await chatState(deps, id)) };
}

/** A customer message in a running chat (idempotent per clientMessageId); after the end it reopens or follows up. */
export async function sendChatMessage(deps: Deps, s: ChatSession, text: string, clientMessageId: string | null): Promise<ChatMessage> {
  const customer = await deps.db.kysely
    .selectFrom('cases as c')
    .leftJoin('customers as cu', 'cu.id', 'c.customer_id')
    .select(['cu.name', 'cu.email'])
    .where('c.id', '=', s.caseId)
    .executeTakeFirst();
  const hash = (await deps.db.kysely.selectFrom('chat_sessions').select('token_hash').where('id', '=', s.id).executeTakeFirstOrThrow())
    .token_hash;
  const providerId = `chat:${s.id}:${clientMessageId ?? uuidv7()}`;
  const ch = await findChannel(deps.db.kysely, s.channelId);
  if (!ch || !ch.active) throw notFound('Chat channel');
  const r = await receiveCustomerMessage(
    deps,
    ch,
    providerId,
    chatPayload(s.id, hash, { name: customer?.name ?? '', email: customer?.email ?? '', message: text }, false),
  );
  if (!r.processed || !r.messageId) throw unavailable();
  const sent = await findChatMessage(deps, r.caseId!, r.messageId);
  if (!sent) throw unavailable();
  return sent;
}

/**
 * The customer ends the chat: the case is resolved, completed if an agent had replied, else
 * abandoned (the domain decides), and closed with the rating when one is given at once.
 */
export async function endChat(deps: Deps, s: ChatSession, rating: { stars: number; note: string | null } | null): Promise<ChatState> {
  return customerLifecycle(deps, s, { kind: 'customer_ended_chat', rating }, s.endedAt !== null && rating === null, (now) => ({
    ended_at: now,
    ...(rating ? { rated_at: now } : {}),
  }));
}

/** The customer rates an ended chat 1–5 stars: the case is closed with the rating. */
export async function rateChat(deps: Deps, s: ChatSession, rating: { stars: number; note: string | null }): Promise<ChatState> {
  if (s.ratedAt) throw notAllowedTransition('This chat has already been rated.');
  return customerLifecycle(deps, s, { kind: 'customer_rated', rating }, false, (now) => ({ rated_at: now, ended_at: s.endedAt ?? now }));
}

type CustomerEvent =
  | { kind: 'customer_ended_chat'; rating: { stars: number; note: string | null } | null }
  | { kind: 'customer_rated'; rating: { stars: number; note: string | null } };

async function customerLifecycle(
  deps: Deps,
  s: ChatSession,
  event: CustomerEvent,
  alreadyDone: boolean,
  mark: (now: Date) => { ended_at?: Date; rated_at?: Date },
): Promise<ChatState> {
  if (alreadyDone) return chatState(deps, s.id);
  const now = deps.clock.now();
  await inTransaction(deps, async (trx) => {
    const c = await lockCase(trx, s.caseId);
    if (!c) throw notFound('Chat');
    const full: LifecycleEvent = event.kind === 'customer_ended_chat' ? { ...event, agentReplied: await agentReplied(trx, c.id) } : event;
    await writeLifecycle(trx, c, full, { actor: null, now });
    await trx.updateTable('chat_sessions').set(mark(now)).where('id', '=', s.id).execute();
  });
  return chatState(deps, s.id);
}

/** Whether an agent has answered the customer on this case (a public outbound message). */
async function agentReplied(trx: Kysely<Database>, caseId: string): Promise<boolean> {
  const r = await trx
    .selectFrom('messages')
    .select('id')
    .where('case_id', '=', caseId)
    .where('direction', '=', 'outbound')
    .where('internal', '=', false)
    .limit(1)
    .executeTakeFirst();
  return r !== undefined;
}

/** What the customer may know about their chat: its case reference and status, never internals. */
export async function chatState(deps: Deps, sessionId: string): Promise<ChatState> {
  const r = await deps.db.kysely
    .selectFrom('chat_sessions as s')
    .innerJoin('cases as c', 'c.id', 's.case_id')
    .select(['s.id', 's.case_id', 's.ended_at', 's.rated_at', 'c.reference', 'c.status', 'c.rating_stars', 'c.rating_note'])
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
  };
}

type MessageRow = { id: string; body: string; direction: string; author_name: string | null; created_at: Date };

// What a customer may read of a case's conversation: public messages to and from them, never internal notes.
const PUBLIC_MESSAGES = sql`SELECT m.id::text AS id, m.body, m.direction, u.name AS author_name, m.created_at FROM messages m
  LEFT JOIN users u ON u.id = m.author_id WHERE NOT m.internal AND m.direction IN ('inbound','outbound')`;

const toChatMessage = (m: MessageRow): ChatMessage => ({
  id: m.id,
  body: m.body,
  from: m.direction === 'inbound' ? 'customer' : 'agent',
  authorName: m.direction === 'outbound' ? (m.author_name?.split(' ')[0] ?? 'Agent') : null,
  createdAt: new Date(m.created_at).toISOString(),
});

/** Public messages of the chat's case after a given message (never internal notes), oldest first. */
export async function chatMessages(deps: Deps, caseId: string, afterId: string | null, limit = 200): Promise<ChatMessage[]> {
  const r = await sql<MessageRow>`${PUBLIC_MESSAGES} AND m.case_id = ${caseId}::uuid
      ${afterId ? sql`AND (m.created_at, m.id) > (SELECT a.created_at, a.id FROM messages a WHERE a.id = ${afterId}::uuid)` : sql``}
    ORDER BY m.created_at, m.id LIMIT ${limit}`.execute(deps.db.kysely);
  return r.rows.map(toChatMessage);
}

/** One public message of the chat's case (the answer to the customer's own send, however long the chat). */
async function findChatMessage(deps: Deps, caseId: string, messageId: string): Promise<ChatMessage | undefined> {
  const r = await sql<MessageRow>`${PUBLIC_MESSAGES} AND m.case_id = ${caseId}::uuid AND m.id = ${messageId}::uuid`.execute(deps.db.kysely);
  return r.rows[0] && toChatMessage(r.rows[0]);
}
