import type { ImapFlow } from 'imapflow';
import type { Deps } from '../../deps.ts';
import type { ChannelOptions } from '../config.ts';
import { channelSecrets, findChannel, type ChannelRecord } from '../../db/repos/channels.ts';
import { advanceFetchMark, recordFetchSuccess, resetFetchMark, type FetchState } from '../../db/repos/mail-fetch.ts';
import { receiveMailBatch, type FetchedMail } from '../../use-cases/mailbox/receive-mail-batch.ts';
import { parseMail, unreadableMail } from '../email/parse-mail.ts';
import { authenticateMail } from '../email/mail-auth.ts';
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
 * mark is advanced in the transaction that stores it, so a stop at any point loses nothing; a
 * message taken again has the same provider id and adds nothing.
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
    uids = ((await client.search({ seen: false }, { uid: true })) || []).sort((a, b) => a - b);
    await resetFetchMark(db, ch.id, owner, { folder, uidValidity: null, uid: 0 }, deps.clock.now());
    await takeAll(deps, opts, ch, client, uids, { folder, uidValidity: '', owner, boxValidity: uidValidity }, control);
    const mark = uids.reduce((a, b) => Math.max(a, b), Math.max(uidNext - 1, 0));
    if (!control.stopped) await resetFetchMark(db, ch.id, owner, { folder, uidValidity, uid: mark }, deps.clock.now());
    return { ...state, folder, uidValidity: control.stopped ? null : uidValidity, lastUid: mark };
  }
  const found = (await client.search({ uid: `${state.lastUid + 1}:*` }, { uid: true })) || [];
  uids = found.filter((u) => u > state.lastUid).sort((a, b) => a - b);
  const last = await takeAll(deps, opts, ch, client, uids, { folder, uidValidity, owner, boxValidity: uidValidity }, control);
  return { ...state, lastUid: Math.max(state.lastUid, last) };
}

/** A fetch batch: at most this many messages and (but for one large message) this many bytes. */
const BATCH_MESSAGES = 60;
const BATCH_BYTES = 8 * 1024 * 1024;

/** Splits UIDs into fetch batches by count and announced size. */
function batches(sizes: Map<number, number>, uids: number[]): number[][] {
  const out: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  for (const uid of uids) {
    const size = sizes.get(uid) ?? 0;
    if (current.length && (current.length >= BATCH_MESSAGES || bytes + size > BATCH_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(uid);
    bytes += size;
  }
  if (current.length) out.push(current);
  return out;
}

type Prepared = { uids: number[]; mails: FetchedMail[] };

/**
 * Takes the messages in batches (one FETCH each, bounded in bytes). While one batch is stored, the
 * next is fetched and parsed. Each batch is stored in one transaction together with the move of the
 * mark to its last UID (receiveMailBatch), then flagged \Seen. A stop during a batch leaves the mark
 * before it: those messages are taken again and recognised by their provider id.
 */
async function takeAll(
  deps: Deps,
  opts: ChannelOptions,
  ch: ChannelRecord,
  client: ImapFlow,
  uids: number[],
  at: { folder: string; uidValidity: string; owner: string; boxValidity: string },
  control: SessionControl,
): Promise<number> {
  let last = 0;
  // Sizes are asked for a slice at a time, so a command line stays short even for a large backlog.
  for (let from = 0; from < uids.length && !control.stopped; from += 500) {
    const slice = uids.slice(from, from + 500);
    const sizes = new Map<number, number>();
    for (const m of await client.fetchAll(slice.join(','), { uid: true, size: true }, { uid: true })) sizes.set(m.uid, m.size ?? 0);
    const list = batches(
      sizes,
      slice.filter((u) => sizes.has(u)),
    );
    const prepare = (batch: number[]) => prepareBatch(deps, opts, ch, client, batch, `${at.folder}:${at.boxValidity}`);
    let next: Promise<Prepared> | null = list.length ? prepare(list[0]!) : null;
    for (let b = 0; b < list.length && next; b++) {
      const current = await next;
      next = b + 1 < list.length && !control.stopped ? prepare(list[b + 1]!) : null;
      // Keeps a rejected prefetch from going unhandled when this batch fails first.
      next?.catch(() => {});
      if (control.stopped) break;
      const top = current.uids[current.uids.length - 1]!;
      // During a first sync (no UIDVALIDITY yet) only the count moves: a stop then starts that sync over.
      const mark = { folder: at.folder, uidValidity: at.uidValidity, uid: at.uidValidity ? top : 0, taken: current.uids.length };
      const kept = await receiveMailBatch(deps, ch, current.mails, (db) =>
        advanceFetchMark(db, ch.id, at.owner, mark, deps.clock.now(), opts.imapLeaseMs),
      );
      if (!kept) throw new LeaseLost();
      await flagSeen(client, current.uids);
      last = top;
    }
    await next?.catch(() => {});
  }
  return last;
}

/** Marks taken messages read in the mailbox, for the people who also look at it (the mark is what counts). */
async function flagSeen(client: ImapFlow, uids: number[]): Promise<void> {
  await client.messageFlagsAdd(uids.join(','), ['\\Seen'], { uid: true }).catch(() => false);
}

/**
 * Fetches one batch and parses its mails (their SPF/DKIM/DMARC checks at the same time). Mail from
 * the channel's own address is left out (our replies: never a loop). A mail without a Message-ID
 * is named by its place in the mailbox (folder, UIDVALIDITY, UID): the same when fetched again.
 */
async function prepareBatch(
  deps: Deps,
  opts: ChannelOptions,
  ch: ChannelRecord,
  client: ImapFlow,
  batch: number[],
  box: string,
): Promise<Prepared> {
  const messages = await client.fetchAll(batch.join(','), { uid: true, source: { maxLength: opts.maxMailBytes } }, { uid: true });
  messages.sort((a, b) => a.uid - b.uid);
  const parsed = await Promise.all(messages.map((m) => parseOrKeep(deps, opts, ch, m.source ?? Buffer.alloc(0), `imap:${box}:${m.uid}`)));
  const mails = parsed.filter((p) => !(p.from && p.from.toLowerCase() === ch.address));
  return { uids: batch, mails };
}

/** A fetched mail parsed; one that cannot be parsed is still kept, as a message with the raw mail attached. */
async function parseOrKeep(
  deps: Deps,
  opts: ChannelOptions,
  ch: ChannelRecord,
  raw: Buffer,
  arrival: string,
): Promise<Awaited<ReturnType<typeof parseMail>>> {
  try {
    const [parsed, auth] = await Promise.all([
      parseMail(raw, opts.maxAttachmentBytes, arrival),
      authenticateMail(raw, {}, opts.dnsResolver),
    ]);
    parsed.payload.auth = auth;
    return parsed;
  } catch (err) {
    deps.log.warn({ err, channelId: ch.id }, 'fetched mail could not be parsed; kept as an attachment');
    return unreadableMail(raw, opts.maxAttachmentBytes, arrival);
  }
}
