import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * An attachment as a message lists it (SPEC §13 `{id, name, size, contentType}`): `url` downloads
 * it (null when it was over the size cap and not kept); `contentId` is set for an inline image an
 * HTML mail shows in place (`cid:`).
 */
export type AttachmentJson = {
  id: string;
  name: string;
  filename: string | null;
  contentType: string;
  size: number;
  url: string | null;
  contentId: string | null;
};

type Row = { id: string; filename: string | null; content_type: string; size: number; state: string; content_id: string | null };

export const attachmentUrl = (id: string) => `/api/v1/attachments/${id}`;

/** The JSON of one attachment row. */
export function attachmentJson(a: Row): AttachmentJson {
  return {
    id: a.id,
    name: a.filename ?? 'attachment',
    filename: a.filename,
    contentType: a.content_type,
    size: a.size,
    url: a.state === 'stored' ? attachmentUrl(a.id) : null,
    contentId: a.content_id,
  };
}

/** The attachments of some messages, by message id, in the order they arrived. */
export async function attachmentsOf(db: Kysely<Database>, messageIds: string[]): Promise<Map<string, AttachmentJson[]>> {
  const byMessage = new Map<string, AttachmentJson[]>();
  if (messageIds.length === 0) return byMessage;
  const rows = await db
    .selectFrom('message_attachments as a')
    .select(['a.id', 'a.message_id', 'a.filename', 'a.content_type', 'a.size', 'a.state', 'a.content_id'])
    .where('a.message_id', 'in', messageIds)
    .orderBy('a.created_at')
    .orderBy('a.id')
    .execute();
  for (const a of rows) {
    const list = byMessage.get(a.message_id!) ?? [];
    list.push(attachmentJson(a));
    byMessage.set(a.message_id!, list);
  }
  return byMessage;
}

/** One stored attachment with what decides who may read it: its message's case, or its uploader while unsent. */
export async function findAttachment(db: Kysely<Database>, id: string) {
  return db
    .selectFrom('message_attachments as a')
    .leftJoin('messages as m', 'm.id', 'a.message_id')
    .select([
      'a.id',
      'a.filename',
      'a.content_type',
      'a.size',
      'a.state',
      'a.content_id',
      'a.uploader_id',
      'a.message_id',
      'a.file_path',
      'm.case_id',
    ])
    .where('a.id', '=', id)
    .executeTakeFirst();
}

/** The organisation's cap on one attached file, in bytes. */
export async function attachmentCap(db: Kysely<Database>): Promise<number> {
  const o = await db.selectFrom('organisation').select('max_attachment_bytes').where('id', '=', 1).executeTakeFirstOrThrow();
  return o.max_attachment_bytes;
}
