import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import { uuidv7 } from '../ids.ts';
import { AttachmentTooLarge, removeStoredFiles, storeStream } from '../attachments/store.ts';
import { removeFile } from '../attachments/file-store.ts';
import { attachmentJson, type AttachmentJson } from '../db/repos/attachments.ts';
import { Problem } from '../errors.ts';

/** The 413 of an upload over the organisation's cap (SPEC §8 `payload_too_large`). */
export const tooLarge = (capBytes: number) =>
  new Problem(413, 'payload_too_large', 'File too large', `A file may be at most ${capBytes} bytes (${mib(capBytes)}).`, {
    maxBytes: capBytes,
  });
const mib = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`;

/**
 * An agent's file, streamed into storage before it is sent (SPEC §13): the row exists while its
 * chunks are written (state `uploading`), then holds the size and the type sniffed from the bytes.
 * It belongs to no message yet and only its uploader may read it or attach it. Over the cap, or if
 * the client goes away, the row and every chunk written are removed: nothing is kept.
 */
export async function uploadAttachment(
  deps: Deps,
  actor: AppUser,
  file: { filename: string | null; stream: AsyncIterable<Uint8Array> },
  capBytes: number,
): Promise<AttachmentJson> {
  const db = deps.db.kysely;
  const now = deps.clock.now();
  const id = uuidv7(now.getTime());
  const filename = file.filename?.trim().slice(0, 255) || null;
  await db
    .insertInto('message_attachments')
    .values({
      id,
      message_id: null,
      uploader_id: actor.id,
      filename,
      content_type: 'application/octet-stream',
      size: 0,
      state: 'uploading',
      content_id: null,
      created_at: now,
    })
    .execute();
  try {
    // On the embedded database the file is on disk (flushed) before this row says it is stored.
    const { size, contentType, filePath, sha256 } = await storeStream(deps.db, id, file.stream, capBytes);
    await db
      .updateTable('message_attachments')
      .set({ size, content_type: contentType, state: 'stored', file_path: filePath, sha256 })
      .where('id', '=', id)
      .execute();
    return attachmentJson({ id, filename, content_type: contentType, size, state: 'stored', content_id: null });
  } catch (err) {
    await db.deleteFrom('message_attachments').where('id', '=', id).execute();
    if (deps.db.filesDir) await removeFile(deps.db.filesDir, id);
    if (err instanceof AttachmentTooLarge) throw tooLarge(capBytes);
    throw err;
  }
}

/** How long an upload may wait to be sent: a reply box left open over a weekend still sends. */
const UNSENT_UPLOAD_MS = 3 * 24 * 3600 * 1000;

/**
 * Removes uploads never attached to a message (a draft abandoned, a multipart message that was
 * refused, an upload cut off by a stopped server) once they are older than three days.
 */
export async function removeAbandonedUploads(deps: Pick<Deps, 'db' | 'clock'>): Promise<number> {
  const gone = await deps.db.kysely
    .deleteFrom('message_attachments')
    .where('message_id', 'is', null)
    .where('created_at', '<', new Date(deps.clock.now().getTime() - UNSENT_UPLOAD_MS))
    .returning('file_path')
    .execute();
  await removeStoredFiles(deps.db, gone);
  return gone.length;
}
