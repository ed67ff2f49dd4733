import type { Attachment } from 'nodemailer/lib/mailer';
import type { Db } from '../../db/connect.ts';
import { readStored } from '../../attachments/store.ts';

/**
 * A reply's files as MIME parts (SPEC §13): each streamed from storage while the mail is written
 * to the server, one chunk at a time, with the type sniffed when it was uploaded.
 */
export async function mailAttachments(db: Pick<Db, 'kysely' | 'filesDir'>, messageId: string): Promise<Attachment[]> {
  const files = await db.kysely
    .selectFrom('message_attachments')
    .select(['id', 'filename', 'content_type', 'file_path'])
    .where('message_id', '=', messageId)
    .where('state', '=', 'stored')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return files.map((f) => ({
    filename: f.filename ?? 'attachment',
    contentType: f.content_type,
    content: readStored(db, f),
  }));
}
