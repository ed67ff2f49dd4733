import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { openStatus } from '../sql-rules.ts';

/** A key under which a channel knows a conversation: an email Message-ID, a sender, a CallSid, a chat session. */
export type ConversationKey = { kind: string; id: string; openOnly?: boolean };

/**
 * The case a conversation key belongs to, trying keys in order (most specific first).
 * `openOnly` keys match only a case that is still open (a caller's next call after a solved one is a new case).
 */
export async function findConversationCase(trx: Kysely<Database>, channelId: string, keys: ConversationKey[]): Promise<string | null> {
  for (const k of keys) {
    const r = await sql<{ case_id: string }>`SELECT m.case_id::text AS case_id FROM channel_conversations m
      JOIN cases c ON c.id = m.case_id
      WHERE m.channel_id = ${channelId}::uuid AND m.kind = ${k.kind} AND m.external_id = ${k.id}
        ${k.openOnly ? sql`AND ${sql.raw(openStatus('c'))}` : sql``}`.execute(trx);
    if (r.rows[0]) return r.rows[0].case_id;
  }
  return null;
}

/**
 * Serialises the messages of one conversation (same channel and key) until the transaction
 * ends, so two that arrive together cannot both find no case and open two. Keys are locked in
 * a fixed order, so two messages sharing several keys cannot deadlock.
 */
export async function lockConversation(trx: Kysely<Database>, channelId: string, keys: { kind: string; id: string }[]): Promise<void> {
  const names = [...new Set(keys.map((k) => `${channelId}:${k.kind}:${k.id}`))];
  if (names.length === 0) return;
  await sql`SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtextextended(n, 0) AS h FROM unnest(${names}::text[]) AS n) k
    ORDER BY h`.execute(trx);
}

/** The case with this reference if it talks through this channel (subject-token fallback for email). */
export async function findCaseByReference(trx: Kysely<Database>, channelId: string, reference: string): Promise<string | null> {
  const r = await sql<{ id: string }>`SELECT c.id::text AS id FROM cases c JOIN case_channels cc ON cc.case_id = c.id
    WHERE c.reference = ${reference.toUpperCase()} AND cc.channel_id = ${channelId}::uuid`.execute(trx);
  return r.rows[0]?.id ?? null;
}

/** Points conversation keys at a case (a follow-up case takes over its predecessor's keys). */
export async function registerConversation(
  trx: Kysely<Database>,
  channelId: string,
  caseId: string,
  keys: { kind: string; id: string }[],
  now: Date,
): Promise<void> {
  for (const k of keys) {
    await sql`INSERT INTO channel_conversations (channel_id, kind, external_id, case_id, created_at, updated_at)
      VALUES (${channelId}::uuid, ${k.kind}, ${k.id}, ${caseId}::uuid, ${now}, ${now})
      ON CONFLICT (channel_id, kind, external_id) DO UPDATE SET case_id = EXCLUDED.case_id, updated_at = EXCLUDED.updated_at`.execute(trx);
  }
}

/** Remembers which channel a case talks through and where replies go. */
export async function linkCaseChannel(
  trx: Kysely<Database>,
  caseId: string,
  channelId: string,
  customerAddress: string | null,
  now: Date,
): Promise<void> {
  await sql`INSERT INTO case_channels (case_id, channel_id, customer_address, created_at)
    VALUES (${caseId}::uuid, ${channelId}::uuid, ${customerAddress}, ${now})
    ON CONFLICT (case_id) DO UPDATE SET customer_address = COALESCE(EXCLUDED.customer_address, case_channels.customer_address)`.execute(
    trx,
  );
}
