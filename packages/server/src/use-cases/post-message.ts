import type { Kysely } from 'kysely';
import { canView, can, lastMessageAfter, mentionedEmails, readCopies, type DomainEvent, type LastMessage } from '@casework/domain';
import { usersByEmail } from '../db/repos/notifications.ts';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import type { Database } from '../db/schema.ts';
import type { CaseView } from '../db/repos/case-views.ts';
import { afterCommit, appendEvents, audienceOf, type StoredEvent, inTransaction } from '../outbox/outbox.ts';
import { isUuid, uuidv7 } from '../ids.ts';
import { lockCase, refusal } from './case-write.ts';
import { invalid, notFound } from '../errors.ts';
import { findCaseChannel } from '../db/repos/channels.ts';
import { enqueueReply, kickReplies } from '../channels/outbound/dispatch.ts';
import { replyHtml } from '../channels/email/reply-html.ts';
import type { Delivery } from '../channels/outbound/delivery.ts';
import { attachmentJson, type AttachmentJson } from '../db/repos/attachments.ts';

/** The columns of a case's card's last message (none for a message that is not one: a note). */
export function lastMessageColumns(last: LastMessage | null) {
  return last
    ? {
        last_message_preview: last.preview,
        last_message_from_customer: last.fromCustomer,
        last_message_author_id: last.authorId,
        last_message_at: last.at,
      }
    : {};
}

/** What writing a message needs of its case: its id, and who is told (audienceOf, the notifications). */
export type MessageCase = Pick<CaseView, 'id' | 'type' | 'status' | 'teamId' | 'ownerId' | 'collaboratorIds'>;

export type MessageRow = {
  id: string;
  caseId: string;
  body: string;
  /** Sanitised HTML (an inbound mail's, or what an email reply was sent as). */
  html?: string | null;
  internal: boolean;
  direction: 'inbound' | 'outbound' | 'note';
  channel: string;
  authorId: string | null;
  createdAt: Date;
  /** Email only (migration 028a): the automatic kind of an inbound mail, its sender when not the customer, copies, auth verdicts. */
  mail?: { automatic?: string | null; fromAddress?: string | null; cc?: string[]; bcc?: string[]; auth?: Record<string, unknown> | null };
};

/** Stores a message on a case and records it in the history, inside the caller's transaction. */
export async function insertMessage(
  trx: Kysely<Database>,
  c: MessageCase,
  m: Omit<MessageRow, 'id' | 'caseId'>,
  now: Date,
  /**
   * The case was inserted in this transaction with this message as its last one
   * (insertCase's `last`): no case update, and its creation events go in the same append.
   */
  opened?: { events: DomainEvent[] },
): Promise<{ message: MessageRow; events: StoredEvent[] }> {
  const message: MessageRow = { id: uuidv7(now.getTime()), caseId: c.id, ...m };
  const insert = trx.insertInto('messages').values({
    id: message.id,
    case_id: c.id,
    body: m.body,
    html: m.html ?? null,
    internal: m.internal,
    direction: m.direction,
    channel: m.channel,
    author_id: m.authorId,
    created_at: m.createdAt,
    ...(m.mail
      ? {
          automatic: m.mail.automatic ?? null,
          from_address: m.mail.fromAddress ?? null,
          cc: m.mail.cc ?? [],
          bcc: m.mail.bcc ?? [],
          mail_auth: m.mail.auth ? JSON.stringify(m.mail.auth) : null,
        }
      : {}),
  });
  const last = lastMessageAfter(m);
  // Unless the case was just inserted with it, the message and its case's activity (and card's last message) in one statement.
  if (opened) await insert.execute();
  else
    await trx
      .with('m', () => insert)
      .updateTable('cases')
      .set({ updated_at: now, last_activity_at: now, ...lastMessageColumns(last) })
      .where('id', '=', c.id)
      .execute();
  // A note's @mentions (SPEC §11: `@` and the user's email address), recorded by user id.
  const mentioned = m.internal ? await usersByEmail(trx, mentionedEmails(m.body)) : [];
  const data = {
    messageId: message.id,
    direction: m.direction,
    internal: m.internal,
    ...(mentioned.length ? { mentionedUserIds: mentioned } : {}),
  };
  const events = await appendEvents(trx, {
    caseId: c.id,
    actorId: m.authorId,
    at: now,
    audience: audienceOf(c),
    after: c,
    events: [...(opened?.events ?? []), { type: 'case.message_created', data }],
  });
  return { message, events: opened ? events.slice(opened.events.length) : events };
}

/** An internal note written by an agent (e.g. the note given when resolving). */
export async function addNote(trx: Kysely<Database>, c: CaseView, actor: AppUser, body: string, now: Date): Promise<void> {
  await insertMessage(trx, c, { body, internal: true, direction: 'note', channel: 'note', authorId: actor.id, createdAt: now }, now);
}

/**
 * An agent's reply to the customer or internal note. Replies go out through the case's
 * channel; notes are only ever shown to users.
 */
export async function postAgentMessage(
  deps: Deps,
  actor: AppUser,
  caseId: string,
  body: string,
  internal: boolean,
  copies: { cc?: string[]; bcc?: string[] } = {},
  attachmentIds: readonly string[] = [],
): Promise<{ message: MessageRow; view: CaseView; delivery: Delivery | null; files: AttachmentJson[] }> {
  const now = deps.clock.now();
  return inTransaction(deps, async (trx) => {
    const c = await lockCase(trx, caseId);
    if (!c || !canView(actor, c)) throw notFound();
    if (!can(actor, 'message', c)) throw refusal('message', c, null, now);
    const mail = copies.cc?.length || copies.bcc?.length ? await replyCopies(trx, c, internal, copies) : undefined;
    const { message } = await insertMessage(
      trx,
      c,
      {
        body,
        // An email reply is written in Markdown and sent as HTML too (the signature is added as it is sent).
        html: !internal && c.type === 'email' ? replyHtml(body) : null,
        internal,
        direction: internal ? 'note' : 'outbound',
        channel: internal ? 'note' : c.type,
        authorId: actor.id,
        createdAt: now,
        ...(mail ? { mail } : {}),
      },
      now,
    );
    const files = await attachUploads(trx, actor, message.id, attachmentIds);
    const sent = internal ? null : await enqueueReply(trx, deps, c, message, now);
    // Once committed, the sender sends it now instead of at its next poll.
    if (sent?.queued) afterCommit(trx, () => kickReplies(deps));
    return { message, view: { ...c, updatedAt: now, lastActivityAt: now }, delivery: sent?.delivery ?? null, files };
  });
}

/** A reply's Cc and Bcc (SPEC §13): only on a public reply through an email channel; addresses read by the domain. */
async function replyCopies(
  trx: Kysely<Database>,
  c: CaseView,
  internal: boolean,
  copies: { cc?: string[]; bcc?: string[] },
): Promise<{ cc: string[]; bcc: string[] }> {
  const field = copies.cc?.length ? 'cc' : 'bcc';
  if (internal) throw invalid([{ field, message: 'copies go with a reply to the customer, not with an internal note' }]);
  const ch = await findCaseChannel(trx, c.id);
  if (ch?.type !== 'email') throw invalid([{ field, message: 'copies go only with replies by email' }]);
  const read = readCopies(copies, ch.customerAddress ?? c.customer?.email ?? null);
  if (!read.ok) throw invalid(read.problems);
  return { cc: read.cc, bcc: read.bcc };
}

/**
 * Moves the actor's own unsent uploads onto their new message, in its transaction: from then on
 * the case's visibility decides who reads them. An id that is not such an upload refuses the
 * whole message (400 naming it), so a file is never sent half-attached or taken from someone else.
 * Returns them as the message lists them (attachmentsOf's order: as they arrived).
 */
async function attachUploads(trx: Kysely<Database>, actor: AppUser, messageId: string, ids: readonly string[]): Promise<AttachmentJson[]> {
  if (ids.length === 0) return [];
  const valid = ids.filter(isUuid).map((id) => id.toLowerCase());
  const taken =
    valid.length === 0
      ? []
      : await trx
          .updateTable('message_attachments')
          .set({ message_id: messageId })
          .where('id', 'in', valid)
          .where('uploader_id', '=', actor.id)
          .where('message_id', 'is', null)
          .where('state', '=', 'stored')
          .returning(['id', 'filename', 'content_type', 'size', 'state', 'content_id', 'created_at'])
          .execute();
  const got = new Set(taken.map((t) => t.id));
  const missing = ids.filter((id) => !got.has(id.toLowerCase()));
  if (missing.length)
    throw invalid(
      missing.map((id) => ({ field: 'attachmentIds', message: `${id} is not a file you uploaded that is waiting to be sent` })),
    );
  const at = (d: Date | string) => new Date(d).getTime();
  return taken.sort((a, b) => at(a.created_at) - at(b.created_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(attachmentJson);
}
