import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Attachment } from 'nodemailer/lib/mailer';
import type { Database } from '../../db/schema.ts';
import { readChunks } from '../../attachments/store.ts';

/**
 * A reply's files as MIME parts (SPEC §13): each streamed from storage while the mail is written
 * to the server, one chunk at a time, with the type sniffed when it was uploaded.
 */
export async function mailAttachments(db: Kysely<Database>, messageId: string): Promise<Attachment[]> {
  const files = await db
    .selectFrom('message_attachments')
    .select(['id', 'filename', 'content_type'])
    .where('message_id', '=', messageId)
    .where('state', '=', 'stored')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return files.map((f) => ({
    filename: f.filename ?? 'attachment',
    contentType: f.content_type,
    content: Readable.from(readChunks(db, f.id)),
  }));
}
