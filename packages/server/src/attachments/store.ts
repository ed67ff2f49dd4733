import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { SNIFF_BYTES, sniffType } from './sniff.ts';

/** Size of one stored chunk: a file passes through the server one chunk at a time. */
const CHUNK_BYTES = 1024 * 1024;

/** A file went over the size cap while it was being written; nothing of it is kept. */
export class AttachmentTooLarge extends Error {
  constructor(readonly capBytes: number) {
    super(`The file is larger than ${capBytes} bytes.`);
  }
}

/**
 * Writes a stream into the chunks of an existing `uploading` attachment row, one chunk in memory at
 * a time, each its own statement (no transaction is held open while a client sends, which on the
 * embedded database would stall every other request). Returns the size and the sniffed type. Past
 * `capBytes` it stops reading and throws AttachmentTooLarge; the caller removes the row.
 */
export async function writeChunks(
  db: Kysely<Database>,
  attachmentId: string,
  source: AsyncIterable<Uint8Array>,
  capBytes: number,
): Promise<{ size: number; contentType: string }> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let size = 0;
  let seq = 0;
  let head: Buffer | null = null;
  const flush = async () => {
    const data = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    head ??= Buffer.from(data.subarray(0, SNIFF_BYTES));
    pending = [];
    pendingBytes = 0;
    await db.insertInto('attachment_chunks').values({ attachment_id: attachmentId, seq: seq++, data }).execute();
  };
  // Read by hand rather than with for-await, which would destroy the source when we stop: a request
  // body must stay readable so the rest of it can be drained and the refusal reach the client.
  const parts = source[Symbol.asyncIterator]();
  for (;;) {
    const next = await parts.next();
    if (next.done) break;
    const buf = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    size += buf.length;
    if (size > capBytes) throw new AttachmentTooLarge(capBytes);
    pending.push(buf);
    pendingBytes += buf.length;
    while (pendingBytes >= CHUNK_BYTES) {
      const all = Buffer.concat(pending, pendingBytes);
      pending = [all.subarray(0, CHUNK_BYTES)];
      pendingBytes = CHUNK_BYTES;
      const rest = all.subarray(CHUNK_BYTES);
      await flush();
      if (rest.length) {
        pending = [rest];
        pendingBytes = rest.length;
      }
    }
  }
  if (pendingBytes > 0) await flush();
  return { size, contentType: await sniffType(head ?? Buffer.alloc(0)) };
}

/** Stores bytes already in memory (a received mail's attachment) as chunks, inside the caller's transaction. */
export async function writeBytes(trx: Kysely<Database>, attachmentId: string, bytes: Buffer): Promise<string> {
  for (let seq = 0, at = 0; at < bytes.length; seq++, at += CHUNK_BYTES) {
    await trx
      .insertInto('attachment_chunks')
      .values({ attachment_id: attachmentId, seq, data: bytes.subarray(at, at + CHUNK_BYTES) })
      .execute();
  }
  return sniffType(bytes);
}

/** A stored file's bytes, chunk by chunk in order: one chunk is read (and held) at a time. */
export async function* readChunks(db: Kysely<Database>, attachmentId: string): AsyncGenerator<Buffer> {
  for (let seq = 0; ; seq++) {
    const row = await db
      .selectFrom('attachment_chunks')
      .select('data')
      .where('attachment_id', '=', attachmentId)
      .where('seq', '=', seq)
      .executeTakeFirst();
    if (!row) return;
    yield Buffer.from(row.data.buffer, row.data.byteOffset, row.data.byteLength);
  }
}
