import { sql, type Kysely } from 'kysely';
import {
  blockedBy,
  inboundSpamReason,
  initialStatus,
  lastMessageAfter,
  opensCase,
  senderHeld,
  type AutomaticKind,
  type DomainEvent,
  type LastMessage,
  type SpamReason,
} from '@casework/domain';
import type { Database } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { findCaseView, type CaseView } from '../db/repos/case-views.ts';
import { appendEvents, audienceOf, inTransaction } from '../outbox/outbox.ts';
import { findOrCreateCustomer, type CustomerInput } from '../db/repos/customers.ts';
import { uuidv7 } from '../ids.ts';
import { insertCase } from './create-case.ts';
import { lockCase, writeLifecycle } from './case-write.ts';
import { insertMessage, type MessageCase } from './post-message.ts';
import type { ChannelRecord } from '../db/repos/channels.ts';
import {
  findCaseByReference,
  findConversationCase,
  linkCaseChannel,
  lockConversation,
  registerConversation,
  type ConversationKey,
} from '../db/repos/conversations.ts';
import type { InboundAttachment } from '../channels/attachments.ts';
import { writeBytes } from '../attachments/store.ts';
import { attachmentUrl } from '../db/repos/attachments.ts';
import { sanitiseMailHtml } from '../channels/email/mail-html.ts';
import { backoffMs } from '../channels/config.ts';
import { cleanDeep, cleanText } from '../channels/clean-text.ts';
import type { BounceReport } from '../channels/email/mail-facts.ts';
import type { MailAuth } from '../channels/email/mail-auth.ts';
import { applyBounce } from './mailbox/apply-bounce.ts';
import { blockEntriesFor } from '../db/repos/mail-safety.ts';

/** One customer message as a channel received it; stored as-is before it is processed. */
export type InboundPayload = {
  /** `message`: a customer message (lifecycle applies); `note`: provider information for agents (call status). */
  kind: 'message' | 'note';
  customer: CustomerInput;
  /** Where replies go: the customer's email address or phone number. */
  replyTo: string | null;
  subject: string;
  body: string;
  /** A mail's HTML as received; sanitised when the message is stored. */
  html?: string | null;
  /** Keys that find the existing conversation, most specific first. */
  lookup: ConversationKey[];
  /** A case reference the customer quoted (e.g. `[#K7Q2MX]` in a subject): fallback for email. */
  reference?: string | null;
  /** Keys this message adds to its conversation (its Message-ID, the sender, the CallSid…). */
  register: { kind: string; id: string }[];
  /** Always start a new case (a new chat), even if a key matches. */
  forceNew?: boolean;
  /** Provider message id and thread references to remember (email threading). */
  externalId?: string | null;
  refs?: string[];
  attachments?: InboundAttachment[];
  /** A chat session to open on the case, atomically with it. */
  chat?: { sessionId: string; tokenHash: string };
  /** Email (SPEC §13): the sender (lower-case; the per-sender hold), what kind of automatic mail it is, its Cc, a bounce's report. */
  sender?: string | null;
  automatic?: AutomaticKind | null;
  cc?: string[];
  bounce?: BounceReport;
  auth?: MailAuth | null;
};

/**
 * What became of a stored inbound mail that made no message: `held` (its sender passed the
 * per-sender limit), `bounce` (a delivery report: it marks our reply failed), `auto_reply` (an
 * out-of-office to no case of ours). Null when it became a message.
 */
type InboundOutcome = 'held' | 'bounce' | 'auto_reply' | null;

export type ReceiveResult = {
  caseId: string | null;
  messageId: string | null;
  createdCase: boolean;
  followUpOf: string | null;
  duplicate: boolean;
  processed: boolean;
};

type Applied = {
  caseId: string | null;
  messageId: string | null;
  createdCase: boolean;
  followUpOf: string | null;
  outcome?: InboundOutcome;
};

/**
 * Receives a customer message on a channel: stores it first (once per provider id, so a
 * provider's retry is idempotent), then processes it in one transaction. A processing failure
 * leaves the stored message for the retry job: an accepted message is never lost.
 */
export async function receiveCustomerMessage(
  deps: Deps,
  channel: ChannelRecord,
  rawProviderId: string,
  rawPayload: InboundPayload,
): Promise<ReceiveResult> {
  const providerId = cleanText(rawProviderId);
  const { id, inserted } = await storeInbound(deps.db.kysely, channel.id, providerId, rawPayload, deps.clock.now());
  try {
    const r = await processInbound(deps, id);
    return { ...r, duplicate: !inserted || r.duplicate };
  } catch (err) {
    deps.log.error({ err, channelId: channel.id, providerId }, 'inbound message stored; processing failed, will retry');
    return { caseId: null, messageId: null, createdCase: false, followUpOf: null, duplicate: !inserted, processed: false };
  }
}

/**
 * Stores an inbound message as received (NUL and invalid UTF-8 stripped, never refused: SPEC §15),
 * once per provider id: a second store of the same id finds the first row (`inserted` false).
 */
export async function storeInbound(
  db: Kysely<Database>,
  channelId: string,
  rawProviderId: string,
  rawPayload: InboundPayload,
  now: Date,
): Promise<{ id: string; inserted: boolean; payload: InboundPayload }> {
  const providerId = cleanText(rawProviderId).slice(0, 500);
  const payload = cleanDeep(rawPayload);
  const inserted = await db
    .insertInto('inbound_messages')
    .values({
      id: uuidv7(now.getTime()),
      channel_id: channelId,
      provider_id: providerId,
      payload: JSON.stringify(payload),
      sender: payload.sender?.slice(0, 320) ?? null,
      // The retry job leaves it alone while this request processes it.
      received_at: now,
      next_attempt_at: new Date(now.getTime() + 30_000),
    })
    .onConflict((oc) => oc.columns(['channel_id', 'provider_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, inserted: true, payload };
  const row = await db
    .selectFrom('inbound_messages')
    .select(['id'])
    .where('channel_id', '=', channelId)
    .where('provider_id', '=', providerId)
    .executeTakeFirstOrThrow();
  return { id: row.id, inserted: false, payload };
}

/** Processes one stored inbound message (again safe: a processed one is returned as it was). */
async function processInbound(deps: Deps, inboundId: string): Promise<ReceiveResult> {
  const now = deps.clock.now();
  try {
    return await inTransaction(deps, (trx) => processStored(trx, deps.db.filesDir, inboundId, now));
  } catch (err) {
    const r = await deps.db.kysely
      .updateTable('inbound_messages')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: String((err as Error).message).slice(0, 1000) }))
      .where('id', '=', inboundId)
      .returning('attempts')
      .executeTakeFirst();
    const delay = backoffMs({ retryBaseMs: 5_000, retryMaxMs: 3_600_000 }, r?.attempts ?? 1);
    await deps.db.kysely
      .updateTable('inbound_messages')
      .set({ next_attempt_at: new Date(now.getTime() + delay) })
      .where('id', '=', inboundId)
      .execute();
    throw err;
  }
}

/**
 * Processes one stored inbound message inside the caller's transaction (again safe: a processed one
 * is returned as it was). Throws on failure: the caller's transaction rolls back. `stored` is what
 * storeInbound inserted in this same transaction (unprocessed and seen by no other transaction), so
 * it is not read back.
 */
export async function processStored(
  trx: Kysely<Database>,
  filesDir: string | undefined,
  inboundId: string,
  now: Date,
  stored?: { channel: ChannelRecord; payload: InboundPayload; receivedAt: Date },
): Promise<ReceiveResult> {
  if (stored) {
    const ch = { id: stored.channel.id, type: stored.channel.type, teamId: stored.channel.teamId };
    return settleStored(trx, filesDir, inboundId, ch, stored.payload, stored.receivedAt, now);
  }
  const row = await trx
    .selectFrom('inbound_messages as i')
    .innerJoin('channels as ch', 'ch.id', 'i.channel_id')
    .select(['i.processed_at', 'i.case_id', 'i.message_id', 'i.payload', 'i.received_at', 'ch.id as channel_id', 'ch.type', 'ch.team_id'])
    .where('i.id', '=', inboundId)
    .forUpdate('i' as never)
    .executeTakeFirstOrThrow();
  if (row.processed_at) {
    return { caseId: row.case_id, messageId: row.message_id, createdCase: false, followUpOf: null, duplicate: true, processed: true };
  }
  const ch = { id: row.channel_id, type: row.type as ChannelRecord['type'], teamId: row.team_id };
  return settleStored(trx, filesDir, inboundId, ch, row.payload as unknown as InboundPayload, new Date(row.received_at), now);
}

/** Applies an unprocessed stored message and marks it processed with what became of it. */
async function settleStored(
  trx: Kysely<Database>,
  filesDir: string | undefined,
  inboundId: string,
  ch: Ch,
  payload: InboundPayload,
  receivedAt: Date,
  now: Date,
): Promise<ReceiveResult> {
  const applied = (await heldSender(trx, ch.id, payload, receivedAt))
    ? { caseId: null, messageId: null, createdCase: false, followUpOf: null, outcome: 'held' as const }
    : await applyInbound(trx, filesDir, ch, payload, now);
  await trx
    .updateTable('inbound_messages')
    .set({
      processed_at: now,
      case_id: applied.caseId,
      message_id: applied.messageId,
      last_error: null,
      outcome: applied.outcome ?? null,
    })
    .where('id', '=', inboundId)
    .execute();
  const { outcome: _outcome, ...result } = applied;
  return { ...result, duplicate: false, processed: true };
}

type Ch = { id: string; type: ChannelRecord['type']; teamId: string };

/**
 * The per-sender hold (SPEC §13): a sender who already sent the organisation's limit of mails to
 * this mailbox within the hour before this one is held. One statement: the limit and a count that
 * stops at it (an index range scan on inbound_messages_sender).
 */
async function heldSender(trx: Kysely<Database>, channelId: string, p: InboundPayload, receivedAt: Date): Promise<boolean> {
  if (!p.sender) return false;
  const r = await sql<{ lim: number; n: number }>`SELECT o.mail_sender_limit AS lim,
      (SELECT count(*)::int FROM (SELECT 1 FROM inbound_messages WHERE channel_id = ${channelId}::uuid AND sender = ${p.sender}
         AND received_at >= ${new Date(receivedAt.getTime() - 3_600_000)} AND received_at < ${receivedAt}
         LIMIT o.mail_sender_limit) x) AS n
    FROM organisation o WHERE o.id = 1`.execute(trx);
  const row = r.rows[0];
  return row ? senderHeld(Number(row.n), Number(row.lim)) : false;
}

async function applyInbound(trx: Kysely<Database>, filesDir: string | undefined, ch: Ch, p: InboundPayload, now: Date): Promise<Applied> {
  if (!p.forceNew) await lockConversation(trx, ch.id, [...p.lookup, ...p.register]);
  let caseId = p.forceNew ? null : await findConversationCase(trx, ch.id, p.lookup);
  if (!caseId && !p.forceNew && p.reference) caseId = await findCaseByReference(trx, ch.id, p.reference);
  if (p.bounce) return applyBounce(trx, ch.id, caseId, p.bounce, now);
  const found = caseId ? await lockCase(trx, caseId) : undefined;
  // The case the message goes to, as the message's write needs it, and that case's customer.
  let target: MessageCase | undefined = found;
  let customer: { id: string | null; email: string | null } | null = found?.customer ?? null;
  let createdCase = false;
  let followUpOf: string | null = null;
  const automatic = p.automatic ?? null;
  const spam = p.kind === 'message' && ch.type === 'email' ? await spamReason(trx, p) : null;
  const internal = p.kind === 'note';
  const facts = { body: p.body, internal, direction: internal ? ('note' as const) : ('inbound' as const), authorId: null, createdAt: now };
  // A case this message opens: its creation is appended with the message's event.
  let opened: { events: DomainEvent[] } | undefined;
  if (spam && opensCase(automatic) && found?.status !== 'spam') {
    // Mail from a blocked sender, or failing DMARC under p=reject, is kept as a spam case of its own
    // (never joined to a real conversation, never queued, never answered).
    const o = await openCase(trx, ch, p, null, now, null);
    await appendEvents(trx, { caseId: o.case.id, actorId: null, at: now, audience: audienceOf(o.case), after: o.case, events: o.events });
    const view = (await findCaseView(trx, o.case.id))!;
    target = (await writeLifecycle(trx, view, { kind: 'mark_spam', reason: spam }, { actor: null, now })).view;
    customer = view.customer;
    createdCase = true;
  } else if (p.kind === 'note') {
    if (!found) return { caseId: null, messageId: null, createdCase: false, followUpOf: null };
  } else if (!found && !opensCase(automatic)) {
    // An out-of-office to no case of ours: kept in the inbound log, no case, nobody answers it.
    return { caseId: null, messageId: null, createdCase: false, followUpOf: null, outcome: 'auto_reply' };
  } else if (found && !opensCase(automatic)) {
    // An auto-reply in a conversation is shown there, but neither wakes nor reopens the case.
  } else if (!found) {
    const o = await openCase(trx, ch, p, null, now, lastMessageAfter(facts));
    [target, customer, opened] = [o.case, { id: o.customerId, email: p.customer.email ?? null }, o];
    createdCase = true;
  } else {
    const applied = await writeLifecycle(trx, found, { kind: 'customer_message' }, { actor: null, now });
    if (!('followUp' in applied)) {
      target = applied.view;
    } else {
      // Closed or canceled: the message starts a new case that links back to it.
      followUpOf = found.id;
      const o = await openCase(trx, { ...ch, teamId: found.teamId }, p, found, now, lastMessageAfter(facts));
      [target, customer, opened] = [o.case, { id: o.customerId, email: found.customer?.email ?? null }, o];
      createdCase = true;
    }
  }
  if (!target) throw new Error('an inbound message without a case');
  const customerEmail = customer?.email?.toLowerCase() ?? null;
  const fromSomeoneElse = !createdCase && !!p.sender && !!customerEmail && p.sender !== customerEmail;
  const files = (p.attachments ?? []).map((a) => ({ ...a, id: uuidv7(now.getTime()) }));
  const { message } = await insertMessage(
    trx,
    target,
    {
      ...facts,
      html: p.html ? sanitiseMailHtml(p.html, inlineImageUrls(files)) : null,
      channel: ch.type,
      ...(ch.type === 'email'
        ? { mail: { automatic, fromAddress: fromSomeoneElse ? p.sender : null, cc: p.cc ?? [], auth: p.auth ?? null } }
        : {}),
    },
    now,
    opened,
  );
  await registerConversation(trx, ch.id, target.id, p.register, now);
  // Replies keep going to the customer when someone they copied answers (SPEC §13: CCed replies thread in).
  await linkCaseChannel(trx, target.id, ch.id, fromSomeoneElse ? null : p.replyTo, now);
  if (p.externalId || p.refs?.length) {
    await trx
      .insertInto('message_channel_refs')
      .values({
        message_id: message.id,
        case_id: target.id,
        channel_id: ch.id,
        external_id: p.externalId ?? null,
        refs: p.refs ?? [],
        direction: 'inbound',
        created_at: now,
      })
      .execute();
  }
  if (files.length) await storeAttachments(trx, filesDir, message.id, files, now);
  if (p.chat) {
    await trx
      .insertInto('chat_sessions')
      .values({
        id: p.chat.sessionId,
        channel_id: ch.id,
        case_id: target.id,
        customer_id: customer?.id ?? null,
        token_hash: p.chat.tokenHash,
        created_at: now,
      })
      .onConflict((oc) => oc.column('id').doUpdateSet({ case_id: target.id }))
      .execute();
  }
  return { caseId: target.id, messageId: message.id, createdCase, followUpOf };
}

/** Whether a mail becomes spam directly (the domain's inboundSpamReason): a blocked sender, or DMARC failed under p=reject. */
async function spamReason(trx: Kysely<Database>, p: InboundPayload): Promise<SpamReason | null> {
  const sender = p.sender ?? p.customer.email ?? null;
  const blocked = sender ? blockedBy(sender, await blockEntriesFor(trx, sender)) !== null : false;
  return inboundSpamReason({ blocked, auth: p.auth ?? null });
}

/**
 * A new case on the channel's team, unowned (status new: it lands in the team's Next Unassigned),
 * opened by this message: its card shows the message as its last one. Returns the case as the
 * message's write needs it, its customer and its `case.created` event, which the caller appends
 * (with the message's, in one statement).
 */
async function openCase(
  trx: Kysely<Database>,
  ch: Ch,
  p: InboundPayload,
  previous: CaseView | null,
  now: Date,
  last: LastMessage | null,
): Promise<{ case: MessageCase; customerId: string | null; events: DomainEvent[] }> {
  const customerId = previous?.customer?.id ?? (await findOrCreateCustomer(trx, p.customer, now));
  const subject = (p.subject.trim() || '(no subject)').slice(0, 300);
  const id = await insertCase(
    trx,
    {
      subject,
      type: ch.type,
      teamId: ch.teamId,
      ownerId: null,
      description: null,
      customer: null,
      customerId,
      followUpOf: previous?.id ?? null,
    },
    now,
    undefined,
    last,
  );
  const status = initialStatus(null);
  const events: DomainEvent[] = [
    {
      type: 'case.created',
      data: {
        type: ch.type,
        teamId: ch.teamId,
        ownerId: null,
        status,
        channel: ch.type,
        channelId: ch.id,
        ...(previous ? { followUpOf: previous.id } : {}),
      },
    },
  ];
  return { case: { id, type: ch.type, status, teamId: ch.teamId, ownerId: null, collaboratorIds: [] }, customerId, events };
}

/** Stored messages whose processing failed and are due again (the retry job). */
export async function retryDueInbound(deps: Deps, limit = 50): Promise<number> {
  const now = deps.clock.now();
  const due = await sql<{ id: string }>`SELECT id::text AS id FROM inbound_messages
    WHERE processed_at IS NULL AND next_attempt_at <= ${now} AND attempts < 25 ORDER BY next_attempt_at LIMIT ${limit}`.execute(
    deps.db.kysely,
  );
  let n = 0;
  for (const { id } of due.rows) {
    try {
      await processInbound(deps, id);
      n++;
    } catch {
      /* recorded on the row; retried later */
    }
  }
  return n;
}

/** Where a mail's `cid:` images are served from: their kept attachment (none for one over the cap). */
function inlineImageUrls(files: (InboundAttachment & { id: string })[]): (contentId: string) => string | null {
  return (cid) => {
    const f = files.find((x) => x.contentId === cid && x.contentBase64 !== null);
    return f ? `${attachmentUrl(f.id)}?disposition=inline` : null;
  };
}

/**
 * Keeps each attachment's metadata, and its bytes (a file or chunks: writeBytes) when they were within the cap; a kept
 * file's type is sniffed from its bytes, not taken from the mail.
 */
async function storeAttachments(
  trx: Kysely<Database>,
  filesDir: string | undefined,
  messageId: string,
  list: (InboundAttachment & { id: string })[],
  now: Date,
): Promise<void> {
  for (const { id, ...a } of list) {
    const bytes = a.contentBase64 === null ? null : Buffer.from(a.contentBase64, 'base64');
    await trx
      .insertInto('message_attachments')
      .values({
        id,
        message_id: messageId,
        filename: a.filename?.slice(0, 255) ?? null,
        content_type: a.contentType.slice(0, 200),
        size: a.size,
        state: bytes ? 'stored' : 'not_kept',
        content_id: a.contentId?.slice(0, 255) ?? null,
        created_at: now,
      })
      .execute();
    if (bytes) {
      const kept = await writeBytes(trx, filesDir, id, bytes);
      await trx
        .updateTable('message_attachments')
        .set({ content_type: kept.contentType, file_path: kept.filePath, sha256: kept.sha256 })
        .where('id', '=', id)
        .execute();
    }
  }
}
