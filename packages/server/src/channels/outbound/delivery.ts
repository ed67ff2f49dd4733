import type { Kysely, Selectable } from 'kysely';
import { CHAT_CHANNELS, deliveryProblem, type DeliveryState } from '@casework/domain';
import type { Deps } from '../../deps.ts';
import type { OutboundSenders } from './senders.ts';
import type { Database } from '../../db/schema.ts';
import type { CaseView } from '../../db/repos/case-views.ts';
import { appendEvents, audienceOf } from '../../outbox/outbox.ts';
import { channelSecrets, type ChannelRecord } from '../../db/repos/channels.ts';

/** The history and live event of a reply's delivery changing state (`case.delivery_changed`). */
const DELIVERY_CHANGED = 'case.delivery_changed';

/** The relay replies leave through: the running channel runtime's, else the environment's. */
export function smtpRelayOf(outbound: OutboundSenders): string | null {
  return outbound.smtpRelay !== undefined ? outbound.smtpRelay : process.env.CASEWORK_SMTP_URL || null;
}

/** A failure that trying again cannot fix (the provider refused the message, the customer has no address). */
export class PermanentDeliveryError extends Error {}

/** Why replies through this channel (null: a case without one) can never reach the customer, or null (`q`: the open transaction, if any). */
export async function channelDeliveryProblem(
  deps: Pick<Deps, 'db' | 'outbound'>,
  ch: ChannelRecord | null,
  q: Kysely<Database> = deps.db.kysely,
): Promise<string | null> {
  const secretNames = ch && !CHAT_CHANNELS.includes(ch.type) ? Object.keys(await channelSecrets(q, ch)) : [];
  return deliveryProblem({ channel: ch && { type: ch.type, settings: ch.settings, secretNames }, smtpRelay: smtpRelayOf(deps.outbound) });
}

/** `canDeliver`/`deliveryProblem` as the channel JSON and the case's channel JSON carry them. */
export async function deliveryFacts(
  deps: Pick<Deps, 'db' | 'outbound'>,
  ch: ChannelRecord | null,
): Promise<{ canDeliver: boolean; deliveryProblem: string | null }> {
  const problem = await channelDeliveryProblem(deps, ch);
  return { canDeliver: problem === null, deliveryProblem: problem };
}

type Row = Selectable<Database['outbound_messages']>;
export type Delivery = { state: DeliveryState; attempts: number; lastError?: string; at: string; nextAttemptAt?: string };

const iso = (d: Date | string) => new Date(d).toISOString();

/** A stored delivery as the message JSON carries it. */
export function deliveryJson(r: Pick<Row, 'status' | 'attempts' | 'last_error' | 'state_at' | 'next_attempt_at'>): Delivery {
  return {
    state: r.status as DeliveryState,
    attempts: r.attempts,
    at: iso(r.state_at),
    ...(r.last_error && r.status !== 'sent' && r.status !== 'delivered' ? { lastError: r.last_error } : {}),
    ...(r.status === 'queued' ? { nextAttemptAt: iso(r.next_attempt_at) } : {}),
  };
}

/** The deliveries of these messages, by message id (messages without one are not outbound). */
export async function deliveriesOf(db: Kysely<Database>, messageIds: string[]): Promise<Map<string, Delivery>> {
  if (messageIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('outbound_messages')
    .select(['message_id', 'status', 'attempts', 'last_error', 'state_at', 'next_attempt_at'])
    .where('message_id', 'in', messageIds)
    .execute();
  return new Map(rows.map((r) => [r.message_id!, deliveryJson(r)]));
}

/**
 * Records a change of a reply's delivery in the case history (inside the caller's transaction),
 * announced after commit to those who may see the case; the web app tells the reply's author
 * and the case owner when a delivery failed.
 */
export async function recordDeliveryChange(
  trx: Kysely<Database>,
  c: CaseView,
  d: { messageId: string; authorId: string | null; state: DeliveryState; attempts: number; lastError: string | null },
  actorId: string | null,
  now: Date,
): Promise<void> {
  await appendEvents(trx, {
    caseId: c.id,
    actorId,
    at: now,
    audience: audienceOf(c),
    events: [
      {
        type: DELIVERY_CHANGED,
        data: {
          messageId: d.messageId,
          state: d.state,
          attempts: d.attempts,
          authorId: d.authorId,
          ownerId: c.ownerId,
          ...(d.lastError && d.state === 'failed' ? { lastError: d.lastError } : {}),
        },
      },
    ],
  });
}
