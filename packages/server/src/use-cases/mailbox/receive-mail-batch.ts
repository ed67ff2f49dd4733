import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import type { ChannelRecord } from '../../db/repos/channels.ts';
import { inTransaction } from '../../outbox/outbox.ts';
import { processStored, receiveCustomerMessage, storeInbound, type InboundPayload } from '../receive-customer-message.ts';

/** One fetched mail, parsed: its provider id (Message-ID, or one made from its mailbox position) and payload. */
export type FetchedMail = { providerId: string; payload: InboundPayload };

/** `settle` said no inside the batch's transaction: the batch is rolled back. */
class SettleRefused extends Error {}

/** Transactions a batch is spread over on PostgreSQL (each on its own connection). */
const LANES = 6;

/**
 * Receives a fetched batch of mails (SPEC §13) and then runs `settle` (the mailbox's mark moving
 * past the batch), only once every mail of the batch is committed: a stop at any point loses
 * nothing, and a mail fetched again has the same provider id and adds nothing. Mails go in order
 * (a reply after the mail it answers). What dominates is one round trip per statement, not the
 * commits: on PostgreSQL the batch is spread over up to LANES transactions at once, each taking the
 * mails of whole senders and threads in order (laneOf); on the embedded database (one connection)
 * the batch is one transaction with `settle` inside it. A lane that fails as a whole is received one
 * mail at a time as any channel's message is (stored first; one that keeps failing is left to the
 * retry job, never blocking the mailbox). Returns false when `settle` refused (another process holds
 * the mailbox).
 */
export async function receiveMailBatch(
  deps: Deps,
  ch: ChannelRecord,
  mails: FetchedMail[],
  settle: (db: Kysely<Database>) => Promise<boolean>,
): Promise<boolean> {
  const lanes = deps.db.kind === 'postgres' ? lanesOf(mails, LANES) : [mails];
  if (lanes.length <= 1) {
    try {
      await inTransaction(deps, async (trx) => {
        await storeLane(deps, trx, ch, mails);
        if (!(await settle(trx))) throw new SettleRefused();
      });
      return true;
    } catch (err) {
      if (err instanceof SettleRefused) return false;
      await receiveOneByOne(deps, ch, mails, err);
      return settle(deps.db.kysely);
    }
  }
  const stored = await Promise.allSettled(lanes.map((lane) => inTransaction(deps, (trx) => storeLane(deps, trx, ch, lane))));
  for (const [i, r] of stored.entries()) if (r.status === 'rejected') await receiveOneByOne(deps, ch, lanes[i]!, r.reason);
  return settle(deps.db.kysely);
}

async function storeLane(deps: Deps, trx: Kysely<Database>, ch: ChannelRecord, mails: FetchedMail[]): Promise<void> {
  const base = deps.clock.now().getTime();
  for (const [i, m] of mails.entries()) {
    // Each mail its own instant: the per-sender hold counts the earlier mails of the batch.
    const at = new Date(base + i);
    const { id, inserted, payload } = await storeInbound(trx, ch.id, m.providerId, m.payload, at);
    await processStored(trx, deps.db.filesDir, id, at, inserted ? { channel: ch, payload, receivedAt: at } : undefined);
  }
}

async function receiveOneByOne(deps: Deps, ch: ChannelRecord, mails: FetchedMail[], err: unknown): Promise<void> {
  deps.log.warn({ err, channelId: ch.id }, 'fetched mails could not be stored at once; storing them one by one');
  for (const m of mails) await receiveCustomerMessage(deps, ch, m.providerId, m.payload);
}

/**
 * Splits a batch into at most `max` lanes, keeping in one lane (in their order) the mails of one
 * sender and of one thread (a mail naming another's Message-ID in In-Reply-To/References), so a
 * conversation is stored in order. A mail that would join two lanes makes the whole batch one lane.
 */
export function lanesOf(mails: FetchedMail[], max: number): FetchedMail[][] {
  const lanes: FetchedMail[][] = [];
  const laneOfKey = new Map<string, number>();
  for (const m of mails) {
    const keys = [
      ...(m.payload.sender ? [`from:${m.payload.sender}`] : []),
      ...m.payload.lookup.map((k) => `id:${k.id}`),
      ...m.payload.register.map((k) => `id:${k.id}`),
    ];
    const joined = new Set(keys.flatMap((k) => (laneOfKey.has(k) ? [laneOfKey.get(k)!] : [])));
    if (joined.size > 1) return [mails];
    let lane: number;
    if (joined.size === 1) lane = [...joined][0]!;
    else if (lanes.length < max) lane = lanes.push([]) - 1;
    else lane = lanes.reduce((best, l, i) => (l.length < lanes[best]!.length ? i : best), 0);
    lanes[lane]!.push(m);
    for (const k of keys) laneOfKey.set(k, lane);
  }
  return lanes;
}
