import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import { audienceOf, sendNotices, type LiveNotice } from '../../outbox/notices.ts';

/** The live event agents' browsers get while a chat's customer is typing (never stored, never in the history). */
const CUSTOMER_TYPING = 'chat.customer_typing';

/** The channel on which agents' typing reaches the chat streams of every server process. */
export const AGENT_TYPING_CHANNEL = 'casework_chat_typing';

/** An agent's typing as the customer's stream hears it: the case and the agent's first name. */
export type AgentTyping = { caseId: string; name: string };

/**
 * The customer is typing: every process's live hub hears it and tells the browsers of those who
 * may see the case (the same audience and visibility judgement as the case's own changes).
 */
export async function announceCustomerTyping(
  db: Db,
  c: { id: string; teamId: string; ownerId: string | null; collaboratorIds: readonly string[] },
  at: Date,
): Promise<void> {
  const notice: LiveNotice = { caseId: c.id, ids: [''], types: [CUSTOMER_TYPING], audience: audienceOf(c), at: at.toISOString() };
  await sendNotices(db.kysely, [notice]);
}

/** An agent is typing a reply: every process's chat streams for that case hear it. */
export async function announceAgentTyping(db: Db, typing: AgentTyping): Promise<void> {
  await sql`SELECT pg_notify(${AGENT_TYPING_CHANNEL}, ${JSON.stringify(typing)})`.execute(db.kysely);
}

/** Whether a live notice is only a typing signal (nothing about the chat changed). */
export const isTypingOnly = (n: LiveNotice): boolean => n.types.every((t) => t === CUSTOMER_TYPING);
