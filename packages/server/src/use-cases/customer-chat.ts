import type { Kysely } from 'kysely';
import { isChatType, type LifecycleEvent } from '@casework/domain';
import type { Database } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { Problem, notAllowedTransition, notFound } from '../errors.ts';
import { randomToken, sha256, uuidv7 } from '../ids.ts';
import { inTransaction } from '../outbox/outbox.ts';
import { lockCase, writeLifecycle } from './case-write.ts';
import { receiveCustomerMessage, type InboundPayload } from './receive-customer-message.ts';
import { findChannel, findChannelByKey } from '../db/repos/channels.ts';
import { chatState, findChatMessage, type ChatMessage, type ChatSession, type ChatState } from '../db/repos/chat-sessions.ts';
import type { InboundAttachment } from '../channels/attachments.ts';

const unavailable = () =>
  new Problem(503, 'internal', 'Try again', 'The message was received and will be delivered; please try again in a moment.');

const chatPayload = (
  sessionId: string,
  tokenHash: string,
  p: { name: string; email: string; message: string },
  start: boolean,
  attachments: InboundAttachment[] = [],
): InboundPayload => ({
  kind: 'message',
  customer: { name: p.name, email: p.email },
  replyTo: p.email,
  subject: `Chat: ${p.message.replace(/\s+/g, ' ').slice(0, 80) || (attachments.length ? 'picture' : '')}`,
  body: p.message,
  lookup: [{ kind: 'chat', id: sessionId }],
  register: [{ kind: 'chat', id: sessionId }],
  forceNew: start,
  chat: { sessionId, tokenHash },
  ...(attachments.length ? { attachments } : {}),
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

/**
 * A customer message in a running chat (idempotent per clientMessageId); after the end it reopens or
 * follows up. A picture comes as its one attachment (checked by the route: an image within the cap),
 * stored with the message like a mail's files.
 */
export async function sendChatMessage(
  deps: Deps,
  s: ChatSession,
  text: string,
  clientMessageId: string | null,
  attachments: InboundAttachment[] = [],
): Promise<ChatMessage> {
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
  if (!ch?.active) throw notFound('Chat channel');
  const r = await receiveCustomerMessage(
    deps,
    ch,
    providerId,
    chatPayload(s.id, hash, { name: customer?.name ?? '', email: customer?.email ?? '', message: text }, false, attachments),
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
