import crypto from 'node:crypto';
import zlib from 'node:zlib';

/**
 * A backup file of the embedded database: a first line naming the format, a JSON line that says
 * what follows (its length and SHA-256, the database's last migration, when), then the gzipped
 * tar of the database folder. Reading checks all of it, so a truncated or damaged file is
 * refused with a message saying which, before anything is written.
 */
const MAGIC = 'CASEWORK-BACKUP 1\n';

export type BackupInfo = { database: 'pglite'; createdAt: string; lastMigration: string | null; bytes: number; sha256: string };

export class BackupFileError extends Error {}

export function writeBackup(tar: Buffer, meta: { createdAt: Date; lastMigration: string | null }): Buffer {
  const body = zlib.gzipSync(tar);
  const info: BackupInfo = {
    database: 'pglite',
    createdAt: meta.createdAt.toISOString(),
    lastMigration: meta.lastMigration,
    bytes: body.length,
    sha256: crypto.createHash('sha256').update(body).digest('hex'),
  };
  return Buffer.concat([Buffer.from(MAGIC), Buffer.from(`${JSON.stringify(info)}\n`), body]);
}

/** The tar inside a backup file, after every check; throws BackupFileError saying what is wrong. */
export function readBackup(file: Buffer, name: string): { info: BackupInfo; tar: Buffer } {
  if (file.length === 0) throw new BackupFileError(`${name} is empty: it is not a Casework backup.`);
  if (file.subarray(0, MAGIC.length).toString('latin1') !== MAGIC)
    throw new BackupFileError(`${name} is not a Casework backup (it does not start with "CASEWORK-BACKUP 1").`);
  const end = file.indexOf(0x0a, MAGIC.length);
  if (end < 0) throw new BackupFileError(`${name} is truncated: its description line is cut off.`);
  let info: BackupInfo;
  try {
    info = JSON.parse(file.subarray(MAGIC.length, end).toString('utf8')) as BackupInfo;
  } catch {
    throw new BackupFileError(`${name} is damaged: its description line is not readable.`);
  }
  if (info.database !== 'pglite' || !Number.isSafeInteger(info.bytes) || !/^[0-9a-f]{64}$/.test(info.sha256 ?? ''))
    throw new BackupFileError(`${name} is damaged: its description line is not one Casework writes.`);
  const body = file.subarray(end + 1);
  if (body.length < info.bytes)
    throw new BackupFileError(`${name} is truncated: it holds ${body.length} of its ${info.bytes} bytes of data.`);
  if (body.length > info.bytes)
    throw new BackupFileError(`${name} is damaged: it has ${body.length - info.bytes} bytes more than it says.`);
  if (crypto.createHash('sha256').update(body).digest('hex') !== info.sha256)
    throw new BackupFileError(`${name} is damaged: its data does not match its checksum.`);
  let tar: Buffer;
  try {
    tar = zlib.gunzipSync(body);
  } catch {
    throw new BackupFileError(`${name} is damaged: its data does not unpack.`);
  }
  return { info, tar };
}
