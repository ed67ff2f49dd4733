import { buffer } from 'node:stream/consumers';
import type { Db } from '../db/connect.ts';
import { readStored } from '../attachments/store.ts';
import { listFiles } from '../attachments/file-store.ts';

/** A kept attachment's bytes as stored (its file on the embedded database, its chunks on PostgreSQL); null when none are kept. */
export async function storedBytes(db: Db, id: string): Promise<Buffer | null> {
  const a = await db.kysely.selectFrom('message_attachments').select(['id', 'file_path']).where('id', '=', id).executeTakeFirst();
  if (!a) return null;
  const chunks = await db.kysely.selectFrom('attachment_chunks').select('seq').where('attachment_id', '=', id).execute();
  if (!a.file_path && chunks.length === 0) return null;
  return buffer(readStored(db, a));
}

/** How many stored pieces of files there are: chunk rows plus files in the files folder (any partial one included). */
export async function storedPieces(db: Db): Promise<number> {
  const r = await db.kysely
    .selectFrom('attachment_chunks')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n) + (db.filesDir ? (await listFiles(db.filesDir)).length : 0);
}
