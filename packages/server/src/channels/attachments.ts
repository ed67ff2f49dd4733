import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { uuidv7 } from '../ids.ts';

/** An attachment as received: bytes (base64) only when within the size cap, metadata always. */
export type InboundAttachment = { filename: string | null; contentType: string; size: number; contentBase64: string | null };

/** Keeps each attachment's metadata, and its bytes when they were within the cap. */
export async function storeAttachments(trx: Kysely<Database>, messageId: string, list: InboundAttachment[], now: Date): Promise<void> {
  for (const a of list) {
    await trx.insertInto('message_attachments').values({
      id: uuidv7(now.getTime()), message_id: messageId, filename: a.filename?.slice(0, 255) ?? null,
      content_type: a.contentType.slice(0, 200), size: a.size,
      content: a.contentBase64 === null ? null : Buffer.from(a.contentBase64, 'base64'), created_at: now,
    }).execute();
  }
}

/** Builds the stored form of attachments: bytes kept while the running total stays under the cap. */
export function capAttachments(list: { filename?: string | null; contentType: string; content: Buffer }[], capBytes: number): InboundAttachment[] {
  let kept = 0;
  return list.map((a) => {
    const keep = kept + a.content.length <= capBytes;
    if (keep) kept += a.content.length;
    return { filename: a.filename ?? null, contentType: a.contentType, size: a.content.length, contentBase64: keep ? a.content.toString('base64') : null };
  });
}
