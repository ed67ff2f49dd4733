import crypto from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';

/**
 * A backup file of the embedded database: a first line naming the format, a JSON line that says
 * what follows (the database's length and SHA-256, its last migration, when, and — format 2 — the
 * attachment files with their size and SHA-256), then the gzipped tar of the database folder, then
 * each attachment file's bytes in the order listed. Reading checks the whole length and the
 * database's checksum before anything is written, and each file's checksum as it is restored, so
 * a truncated or damaged file is refused with a message saying which.
 */
const MAGIC_1 = 'CASEWORK-BACKUP 1\n';
const MAGIC_2 = 'CASEWORK-BACKUP 2\n';

/** An attachment file in a backup: its path under the data folder's `files/`, size and SHA-256. */
export type BackupFileEntry = { path: string; size: number; sha256: string };

export type BackupInfo = {
  database: 'pglite';
  createdAt: string;
  lastMigration: string | null;
  bytes: number;
  sha256: string;
  files?: BackupFileEntry[];
};

export class BackupFileError extends Error {}

/** Everything of a backup file before its attachment files' bytes (which follow it, in the order of `files`). */
export function backupHead(tar: Buffer, meta: { createdAt: Date; lastMigration: string | null; files: BackupFileEntry[] }): Buffer {
  const body = zlib.gzipSync(tar);
  const info: BackupInfo = {
    database: 'pglite',
    createdAt: meta.createdAt.toISOString(),
    lastMigration: meta.lastMigration,
    bytes: body.length,
    sha256: crypto.createHash('sha256').update(body).digest('hex'),
    files: meta.files,
  };
  return Buffer.concat([Buffer.from(MAGIC_2), Buffer.from(`${JSON.stringify(info)}\n`), body]);
}

/** An opened, checked backup: its description, the database's tar, and where the files' bytes begin. */
export type OpenedBackup = { info: BackupInfo; tar: Buffer; filesAt: number };

const readAt = (fd: number, at: number, length: number): Buffer => {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, buf, got, length - got, at + got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
};

/** Reads and checks a backup file's description and database (`fd` open for reading); throws BackupFileError saying what is wrong. */
export function openBackup(fd: number, name: string): OpenedBackup {
  const total = fs.fstatSync(fd).size;
  if (total === 0) throw new BackupFileError(`${name} is empty: it is not a Casework backup.`);
  const magic = readAt(fd, 0, MAGIC_2.length).toString('latin1');
  if (magic !== MAGIC_1 && magic !== MAGIC_2)
    throw new BackupFileError(`${name} is not a Casework backup (it does not start with "CASEWORK-BACKUP").`);
  // The description line: read in growing pieces (a long list of files makes it long).
  let line: Buffer | null = null;
  for (let size = 64 * 1024; !line; size *= 4) {
    const piece = readAt(fd, magic.length, size);
    const end = piece.indexOf(0x0a);
    if (end >= 0) line = piece.subarray(0, end);
    else if (piece.length < size) throw new BackupFileError(`${name} is truncated: its description line is cut off.`);
  }
  let info: BackupInfo;
  try {
    info = JSON.parse(line.toString('utf8')) as BackupInfo;
  } catch {
    throw new BackupFileError(`${name} is damaged: its description line is not readable.`);
  }
  const files = info.files ?? [];
  const filesOk =
    Array.isArray(files) &&
    files.every((f) => typeof f?.path === 'string' && Number.isSafeInteger(f.size) && f.size >= 0 && /^[0-9a-f]{64}$/.test(f.sha256 ?? ''));
  if (info.database !== 'pglite' || !Number.isSafeInteger(info.bytes) || !/^[0-9a-f]{64}$/.test(info.sha256 ?? '') || !filesOk)
    throw new BackupFileError(`${name} is damaged: its description line is not one Casework writes.`);
  const bodyAt = magic.length + line.length + 1;
  const expected = bodyAt + info.bytes + files.reduce((n, f) => n + f.size, 0);
  if (total < expected) throw new BackupFileError(`${name} is truncated: it holds ${total} of its ${expected} bytes.`);
  if (total > expected) throw new BackupFileError(`${name} is damaged: it has ${total - expected} bytes more than it says.`);
  const body = readAt(fd, bodyAt, info.bytes);
  if (crypto.createHash('sha256').update(body).digest('hex') !== info.sha256)
    throw new BackupFileError(`${name} is damaged: its data does not match its checksum.`);
  let tar: Buffer;
  try {
    tar = zlib.gunzipSync(body);
  } catch {
    throw new BackupFileError(`${name} is damaged: its data does not unpack.`);
  }
  return { info, tar, filesAt: bodyAt + info.bytes };
}

/** Each file's bytes of an opened backup, in pieces of at most 1 MiB, in the order listed. */
export function* backupFilePieces(fd: number, opened: OpenedBackup): Generator<{ entry: BackupFileEntry; pieces: Generator<Buffer> }> {
  let at = opened.filesAt;
  for (const entry of opened.info.files ?? []) {
    const start = at;
    at += entry.size;
    yield {
      entry,
      pieces: (function* () {
        for (let off = 0; off < entry.size; off += 1024 * 1024) yield readAt(fd, start + off, Math.min(1024 * 1024, entry.size - off));
      })(),
    };
  }
}
