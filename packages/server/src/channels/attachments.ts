import type { Kysely } from 'kysely';
import { create as createDisposition } from 'content-disposition';
import type { Database } from '../db/schema.ts';
import { uuidv7 } from '../ids.ts';

/** An attachment as received: bytes (base64) only when within the size cap, metadata always. */
export type InboundAttachment = { filename: string | null; contentType: string; size: number; contentBase64: string | null };

/** Keeps each attachment's metadata, and its bytes when they were within the cap. */
export async function storeAttachments(trx: Kysely<Database>, messageId: string, list: InboundAttachment[], now: Date): Promise<void> {
  for (const a of list) {
    await trx
      .insertInto('message_attachments')
      .values({
        id: uuidv7(now.getTime()),
        message_id: messageId,
        filename: a.filename?.slice(0, 255) ?? null,
        content_type: a.contentType.slice(0, 200),
        size: a.size,
        content: a.contentBase64 === null ? null : Buffer.from(a.contentBase64, 'base64'),
        created_at: now,
      })
      .execute();
  }
}

/** Builds the stored form of attachments: bytes kept while the running total stays under the cap. */
export function capAttachments(
  list: { filename?: string | null; contentType: string; content: Buffer }[],
  capBytes: number,
): InboundAttachment[] {
  let kept = 0;
  return list.map((a) => {
    const keep = kept + a.content.length <= capBytes;
    if (keep) kept += a.content.length;
    return {
      filename: a.filename ?? null,
      contentType: a.contentType,
      size: a.content.length,
      contentBase64: keep ? a.content.toString('base64') : null,
    };
  });
}

/** An attachment as a message lists it; `url` downloads it, null when it was over the size cap and not kept. */
export type AttachmentJson = { id: string; filename: string | null; contentType: string; size: number; url: string | null };

/** The attachments of some messages of one case, by message id, in the order they arrived. */
export async function attachmentsOf(db: Kysely<Database>, caseId: string, messageIds: string[]): Promise<Map<string, AttachmentJson[]>> {
  const byMessage = new Map<string, AttachmentJson[]>();
  if (messageIds.length === 0) return byMessage;
  const rows = await db
    .selectFrom('message_attachments as a')
    .select(['a.id', 'a.message_id', 'a.filename', 'a.content_type', 'a.size', (eb) => eb('a.content', 'is not', null).as('kept')])
    .where('a.message_id', 'in', messageIds)
    .orderBy('a.created_at')
    .orderBy('a.id')
    .execute();
  for (const a of rows) {
    const list = byMessage.get(a.message_id) ?? [];
    list.push({
      id: a.id,
      filename: a.filename,
      contentType: a.content_type,
      size: a.size,
      url: a.kept ? `/api/v1/cases/${caseId}/attachments/${a.id}` : null,
    });
    byMessage.set(a.message_id, list);
  }
  return byMessage;
}

// Raster images a browser shows without running anything (SVG can carry script, so it is not one).
const INLINE_IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/**
 * How a stored attachment is served. Customer-supplied bytes never render as a page in the app's
 * origin: anything but a plain raster image is `application/octet-stream`, and only such an image
 * may be shown inline (thumbnails); everything else is a download. The filename keeps its letters
 * (non-ASCII ones through RFC 8187) but loses paths and control characters.
 */
export function attachmentResponse(
  a: { filename: string | null; contentType: string },
  wantInline: boolean,
): { contentType: string; disposition: string } {
  const type = a.contentType.toLowerCase().split(';')[0]!.trim();
  const image = INLINE_IMAGE_TYPES.has(type);
  return {
    contentType: image ? type : 'application/octet-stream',
    disposition: createDisposition(safeFilename(a.filename), { type: image && wantInline ? 'inline' : 'attachment' }),
  };
}

/** A filename fit for a header and a download folder: last path segment, no control characters, at most 200 characters. */
export function safeFilename(name: string | null): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const clean = base
    .replace(/[\u0000-\u001f\u007f-\u009f"]/g, '')
    .replace(/^[.\s]+/, '')
    .trim()
    .slice(0, 200);
  return clean || 'attachment';
}
