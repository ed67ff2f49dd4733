import { createHash } from 'node:crypto';
import type { ImapFlow } from 'imapflow';
import type { Deps } from '../../deps.ts';
import type { ChannelOptions } from '../config.ts';
import { channelSecrets, findChannel, type ChannelRecord } from '../../db/repos/channels.ts';
import { advanceFetchMark, recordFetchSuccess, resetFetchMark, type FetchState } from '../../db/repos/mail-fetch.ts';
import { receiveCustomerMessage, type InboundPayload } from '../../use-cases/receive-customer-message.ts';
import { capAttachments } from '../attachments.ts';
import { parseMail } from '../email/parse-mail.ts';
import { mailServerOf } from '../email/mail-server-settings.ts';
import { openImap } from './imap-connect.ts';

/** Thrown when another server process took the mailbox over: this one stops quietly. */
export class LeaseLost extends Error {
  constructor() {
    super('another server process holds this mailbox');
  }
}

export type SessionControl = { stopped: boolean; wake(): void; onWake(fn: () => void): void };

/**
 * One connection to a channel's mailbox, kept until stopped or an error: takes every new
 * message (UIDs above the stored mark; on the first sync of a folder, what is unseen), waits
 * with IDLE where the server offers it (polling otherwise), and takes again. Each message's
 * mark is advanced only after receiveCustomerMessage has stored it, so a stop at any point
 * loses nothing; a message taken again is the same Message-ID and adds nothing.
 */
export async function runMailboxSession(
  deps: Deps,
  opts: ChannelOptions,
  channelId: string,
  owner: string,
  state: FetchState,
  control: SessionControl,
): Promise<void> {
  const ch = await findChannel(deps.db.kysely, channelId);
  const server = ch && mailServerOf('imap', ch.settings);
  if (!ch || !server) return;
  const password = (await channelSecrets(deps.db.kysely, ch)).imapPassword ?? '';
  const client = await openImap(server, password, {
    ca: deps.config.mailCa,
    timeoutMs: opts.httpTimeoutMs,
    allow: deps.config.outboundAllow,
  });
  let closed = false;
  client.on('exists', () => control.wake());
  client.on('close', () => {
    closed = true;
    control.wake();
  });
  try {
    await client.mailboxOpen(server.folder);
    const idle = client.capabilities.has('IDLE');
    let mark = state;
    while (!control.stopped) {
      mark = await takeNew(deps, opts, ch, client, server.folder, owner, mark, control);
      await recordFetchSuccess(deps.db.kysely, ch.id, deps.clock.now());
      if (control.stopped || closed) break;
      await waitForMail(client, idle, idle ? opts.imapLeaseMs / 3 : Math.min(opts.imapPollMs, opts.imapLeaseMs / 3), control);
      if (closed) throw new Error('The mail server closed the connection');
    }
  } finally {
    if (!closed) await client.logout().catch(() => client.close());
  }
}

/** Resolves on new mail (EXISTS during IDLE), on stop, or after `ms` (a poll, and the lease renewal). */
function waitForMail(client: ImapFlow, idle: boolean, ms: number, control: SessionControl): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    control.onWake(() => {
      clearTimeout(timer);
      resolve();
    });
    if (idle) client.idle().catch(() => control.wake());
  });
}

async function takeNew(
  deps: Deps,
  opts: ChannelOptions,
  ch: ChannelRecord,
  client: ImapFlow,
  folder: string,
  owner: string,
  state: FetchState,
  control: SessionControl,
): Promise<FetchState> {
  const box = client.mailbox;
  if (!box) throw new Error(`The folder ${folder} is not open`);
  const uidValidity = String(box.uidValidity);
  const db = deps.db.kysely;
  const firstSync = state.folder !== folder || state.uidValidity !== uidValidity;
  let uids: number[];
  if (firstSync) {
    // A new folder (or one the server recreated): what is unseen now, then everything above the mark.
    const uidNext = Number(box.uidNext ?? 1);
    uids = (await client.search({ seen: false }, { uid: true })) || [];
    await resetFetchMark(db, ch.id, owner, { folder, uidValidity: null, uid: 0 }, deps.clock.now());
    await takeAll(deps, opts, ch, client, uids, { folder, uidValidity: '', owner }, control);
    const mark = Math.max(uidNext - 1, ...uids, 0);
    if (!control.stopped) await resetFetchMark(db, ch.id, owner, { folder, uidValidity, uid: mark }, deps.clock.now());
    return { ...state, folder, uidValidity: control.stopped ? null : uidValidity, lastUid: mark };
  }
  const found = (await client.search({ uid: `${state.lastUid + 1}:*` }, { uid: true })) || [];
  uids = found.filter((u) => u > state.lastUid).sort((a, b) => a - b);
  const last = await takeAll(deps, opts, ch, client, uids, { folder, uidValidity, owner }, control);
  return { ...state, lastUid: Math.max(state.lastUid, last) };
}

/**
 * Takes the messages one by one (a message's bytes are held only while it is stored), advancing
 * the mark after each, then flags them \Seen in batches.
 */
async function takeAll(
  deps: Deps,
  opts: ChannelOptions,
  ch: ChannelRecord,
  client: ImapFlow,
  uids: number[],
  at: { folder: string; uidValidity: string; owner: string },
  control: SessionControl,
): Promise<number> {
  let last = 0;
  const taken: number[] = [];
  for (const uid of uids) {
    if (control.stopped) break;
    const msg = await client.fetchOne(String(uid), { uid: true, source: { maxLength: opts.maxMailBytes } }, { uid: true });
    if (msg) await takeMessage(deps, opts, ch, msg.source ?? Buffer.alloc(0));
    // During a first sync (no UIDVALIDITY yet) only the count moves: a stop then starts that sync over.
    const mark = { folder: at.folder, uidValidity: at.uidValidity, uid: at.uidValidity ? uid : 0, taken: msg ? 1 : 0 };
    if (!(await advanceFetchMark(deps.db.kysely, ch.id, at.owner, mark, deps.clock.now(), opts.imapLeaseMs))) throw new LeaseLost();
    last = uid;
    taken.push(uid);
    if (taken.length >= 50) await flagSeen(client, taken.splice(0));
  }
  if (taken.length) await flagSeen(client, taken);
  return last;
}

/** Marks taken messages read in the mailbox, for the people who also look at it (the mark is what counts). */
async function flagSeen(client: ImapFlow, uids: number[]): Promise<void> {
  await client.messageFlagsAdd(uids.join(','), ['\\Seen'], { uid: true }).catch(() => false);
}

/**
 * Stores one fetched mail through the same path as mail received over SMTP (threading, customer,
 * case). A mail that cannot be parsed is still kept, as a message with the raw mail attached.
 */
async function takeMessage(deps: Deps, opts: ChannelOptions, ch: ChannelRecord, raw: Buffer): Promise<void> {
  let parsed: Awaited<ReturnType<typeof parseMail>>;
  try {
    parsed = await parseMail(raw, opts.maxAttachmentBytes);
  } catch (err) {
    deps.log.warn({ err, channelId: ch.id }, 'fetched mail could not be parsed; kept as an attachment');
    parsed = unreadableMail(raw, opts.maxAttachmentBytes);
  }
  if (parsed.from && parsed.from.toLowerCase() === ch.address) return; // our own mail: never a loop
  await receiveCustomerMessage(deps, ch, parsed.providerId, parsed.payload);
}

function unreadableMail(raw: Buffer, maxAttachmentBytes: number): Awaited<ReturnType<typeof parseMail>> {
  const id = `<${createHash('sha256').update(raw).digest('hex').slice(0, 32)}@casework.unreadable>`;
  const payload: InboundPayload = {
    kind: 'message',
    customer: { name: null, email: null },
    replyTo: null,
    subject: '(unreadable mail)',
    body: 'This mail could not be read; the original is attached.',
    lookup: [],
    register: [{ kind: 'message_id', id }],
    externalId: id,
    refs: [],
    attachments: capAttachments([{ filename: 'message.eml', contentType: 'message/rfc822', content: raw }], maxAttachmentBytes),
  };
  return { providerId: id, payload, from: null };
}
