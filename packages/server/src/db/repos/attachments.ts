import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

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
