import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * Channel and webhook secrets are stored encrypted (AES-256-GCM). The key comes from
 * `CASEWORK_SECRET_KEY` when set (kept outside the database), otherwise from a random key
 * created once in the database. Each ciphertext names its key so either can be read back.
 */
export async function encryptSecret(db: Kysely<Database>, plain: string): Promise<string> {
  const { id, key } = await currentKey(db);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `v1:${id}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
}

/** Decrypts a value made by encryptSecret (throws if the key is gone or the value was altered). */
export async function decryptSecret(db: Kysely<Database>, stored: string): Promise<string> {
  const [v, id, data] = stored.split(':');
  if (v !== 'v1' || !id || !data) throw new Error('unreadable secret');
  const key = await keyById(db, id);
  const raw = Buffer.from(data, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

const envKey = (): Buffer | null => {
  const v = process.env.CASEWORK_SECRET_KEY;
  return v ? createHash('sha256').update(v).digest() : null;
};

async function currentKey(db: Kysely<Database>): Promise<{ id: string; key: Buffer }> {
  const k = envKey();
  if (k) return { id: 'env', key: k };
  return { id: 'db', key: await keyById(db, 'db') };
}

async function keyById(db: Kysely<Database>, id: string): Promise<Buffer> {
  if (id === 'env') {
    const k = envKey();
    if (!k) throw new Error('CASEWORK_SECRET_KEY is needed to read this secret');
    return k;
  }
  let row = await db.selectFrom('secret_keys').select('key').where('id', '=', id).executeTakeFirst();
  if (!row) {
    await sql`INSERT INTO secret_keys (id, key) VALUES (${id}, ${randomBytes(32).toString('base64')}) ON CONFLICT (id) DO NOTHING`.execute(
      db,
    );
    row = await db.selectFrom('secret_keys').select('key').where('id', '=', id).executeTakeFirstOrThrow();
  }
  return Buffer.from(row.key, 'base64');
}
