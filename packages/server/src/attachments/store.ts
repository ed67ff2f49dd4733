import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Db } from '../db/connect.ts';
import { SNIFF_BYTES, sniffType } from './sniff.ts';
import { listFiles, readFile, resolveFile, writeFile } from './file-store.ts';
import fs from 'node:fs';

/** Size of one stored chunk: a file passes through the server one chunk at a time. */
const CHUNK_BYTES = 1024 * 1024;

/** A file went over the size cap while it was being written; nothing of it is kept. */
export class AttachmentTooLarge extends Error {
  constructor(readonly capBytes: number) {
    super(`The file is larger than ${capBytes} bytes.`);
  }
}

/** Where a kept file's bytes went: a file (embedded database) or chunks (`filePath` null), its size, hash and sniffed type. */
export type StoredBytes = { size: number; contentType: string; filePath: string | null; sha256: string };

/**
 * Stores an upload's bytes for an existing `uploading` row, streamed: as a file beside the
 * embedded database (flushed to disk before the caller's row update commits), or as chunks in
 * PostgreSQL. Past `capBytes` it stops reading and throws AttachmentTooLarge, keeping nothing.
 */
export async function storeStream(
  db: Pick<Db, 'kysely' | 'filesDir'>,
  attachmentId: string,
  source: AsyncIterable<Uint8Array>,
  capBytes: number,
): Promise<StoredBytes> {
  if (db.filesDir) {
    const f = await writeFile(db.filesDir, attachmentId, source, (size) => {
      if (size > capBytes) throw new AttachmentTooLarge(capBytes);
    });
    return { size: f.size, contentType: await sniffType(f.head), filePath: f.path, sha256: f.sha256 };
  }
  const hash = createHash('sha256');
  const hashed = (async function* () {
    for await (const part of asIterable(source)) {
      hash.update(part);
      yield part;
    }
  })();
  const { size, contentType } = await writeChunks(db.kysely, attachmentId, hashed, capBytes);
  return { size, contentType, filePath: null, sha256: hash.digest('hex') };
}

/** The source as an iterable whose early end (a throw past the cap) leaves the source itself open. */
function asIterable(source: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const parts = source[Symbol.asyncIterator]();
  return { [Symbol.asyncIterator]: () => ({ next: () => parts.next() }) };
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
  // One chunk's INSERT runs while the next chunk arrives (at most one in flight: two chunks in memory).
  let inFlight = null as Promise<unknown> | null;
  const flush = async () => {
    const data = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    head ??= Buffer.from(data.subarray(0, SNIFF_BYTES));
    pending = [];
    pendingBytes = 0;
    await inFlight;
    inFlight = db.insertInto('attachment_chunks').values({ attachment_id: attachmentId, seq: seq++, data }).execute();
    inFlight.catch(() => {});
  };
  // Read by hand rather than with for-await, which would destroy the source when we stop: a request
  // body must stay readable so the rest of it can be drained and the refusal reach the client.
  const parts = source[Symbol.asyncIterator]();
  for (;;) {
    const next = await parts.next();
    if (next.done) break;
    const buf = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    size += buf.length;
    if (size > capBytes) {
      // The chunk being written lands (or fails) before the caller removes the row.
      await inFlight?.catch(() => {});
      throw new AttachmentTooLarge(capBytes);
    }
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
  await inFlight;
  return { size, contentType: await sniffType(head ?? Buffer.alloc(0)) };
}

/**
 * Stores bytes already in memory (a received mail's attachment) inside the caller's transaction:
 * as a file when `filesDir` is set (on disk before the transaction commits; one left by a rollback
 * has no row and is removed by removeOrphanFiles), else as chunks.
 */
export async function writeBytes(
  trx: Kysely<Database>,
  filesDir: string | undefined,
  attachmentId: string,
  bytes: Buffer,
): Promise<StoredBytes> {
  const contentType = await sniffType(bytes.subarray(0, SNIFF_BYTES));
  if (filesDir) {
    const f = await writeFile(filesDir, attachmentId, [bytes]);
    return { size: f.size, contentType, filePath: f.path, sha256: f.sha256 };
  }
  for (let seq = 0, at = 0; at < bytes.length; seq++, at += CHUNK_BYTES) {
    await trx
      .insertInto('attachment_chunks')
      .values({ attachment_id: attachmentId, seq, data: bytes.subarray(at, at + CHUNK_BYTES) })
      .execute();
  }
  return { size: bytes.length, contentType, filePath: null, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * A stored attachment's bytes as a stream: from its file, or chunk by chunk from the database. A
 * row with a file path on a database without a files folder (never made by this code) is an error.
 */
export function readStored(db: Pick<Db, 'kysely' | 'filesDir'>, a: { id: string; file_path: string | null }): Readable {
  if (a.file_path) {
    if (!db.filesDir) throw new Error(`Attachment ${a.id} is a file, but this database keeps no files.`);
    return readFile(db.filesDir, a.file_path);
  }
  return Readable.from(readChunks(db.kysely, a.id));
}

/**
 * A stored file's bytes, chunk by chunk in order: the next chunk is read while one is sent (two
 * held at most).
 */
export async function* readChunks(db: Kysely<Database>, attachmentId: string): AsyncGenerator<Buffer> {
  const read = (seq: number) => {
    const p = db
      .selectFrom('attachment_chunks')
      .select('data')
      .where('attachment_id', '=', attachmentId)
      .where('seq', '=', seq)
      .executeTakeFirst();
    p.catch(() => {});
    return p;
  };
  let next = read(0);
  for (let seq = 0; ; seq++) {
    const row = await next;
    if (!row) return;
    next = read(seq + 1);
    yield Buffer.from(row.data.buffer, row.data.byteOffset, row.data.byteLength);
  }
}

/** Removes the files of attachments whose rows were deleted (after that deletion committed). */
export async function removeStoredFiles(db: Pick<Db, 'filesDir'>, rows: { file_path: string | null }[]): Promise<void> {
  const root = db.filesDir;
  if (!root) return;
  for (const r of rows) if (r.file_path) await fs.promises.rm(resolveFile(root, r.file_path), { force: true });
}

/** How old a file without a row must be before it is removed: a transaction writing one may still be open. */
const ORPHAN_GRACE_MS = 10 * 60_000;

/**
 * Removes files whose attachment row is gone (a case deleted with its messages, a transaction that
 * rolled back after writing its file, an upload cut off by a stopped server), once older than a
 * grace period. Returns how many were removed.
 */
export async function removeOrphanFiles(db: Pick<Db, 'kysely' | 'filesDir'>, now: Date): Promise<number> {
  const root = db.filesDir;
  if (!root) return 0;
  const old = (await listFiles(root)).filter((f) => f.mtimeMs <= now.getTime() - ORPHAN_GRACE_MS);
  let removed = 0;
  for (let at = 0; at < old.length; at += 500) {
    const slice = old.slice(at, at + 500);
    const ids = slice.map((f) => f.id).filter((id) => /^[0-9a-f-]{36}$/.test(id));
    const kept = new Set(
      ids.length
        ? (
            await db.kysely
              .selectFrom('message_attachments')
              .select('id')
              .where('id', 'in', ids)
              .where('file_path', 'is not', null)
              .execute()
          ).map((r) => r.id)
        : [],
    );
    for (const f of slice) {
      // A partial write (`.partial-…`) is never kept; a finished file only while its row says so.
      if (kept.has(f.id) && !f.rel.includes('.partial-')) continue;
      await fs.promises.rm(`${root}/${f.rel}`, { force: true });
      removed++;
    }
  }
  return removed;
}
