import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { openPGlite, type Db } from '../db/connect.ts';
import { backupFilePieces, backupHead, BackupFileError, openBackup, type BackupFileEntry, type BackupInfo } from './backup-file.ts';
import { filePathOf, resolveFile, writeFile } from '../attachments/file-store.ts';

/** The control socket a serving process opens in its data folder (only its user may connect). */
const SOCKET = 'casework.sock';

/** A consistent snapshot: the backup's head, then its attachment files (hard links made in the database's pause). */
type Snapshot = { head: Buffer; files: { entry: BackupFileEntry; link: string }[]; total: number; cleanup(): void };

/**
 * A backup of this embedded database, consistent: a checkpoint and its folder with nothing running
 * between, and in the same pause a hard link to every attachment file its rows name (so a file
 * removed meanwhile, its row deleted after the snapshot, is still in the backup).
 */
async function snapshot(db: Db): Promise<Snapshot> {
  if (!db.dump) throw new Error('Only the embedded database is backed up this way; for PostgreSQL use pg_dump (docs/OPERATIONS.md).');
  const last = await sql<{ name: string }>`SELECT max(name) AS name FROM schema_migrations`.execute(db.kysely);
  const root = db.filesDir;
  const linkDir = root ? path.join(path.dirname(root), `.backup-${randomBytes(6).toString('hex')}`) : '';
  const files: Snapshot['files'] = [];
  const cleanup = () => {
    if (linkDir) fs.rmSync(linkDir, { recursive: true, force: true });
  };
  try {
    const tar = await db.dump(async (query) => {
      if (!root) return;
      const hasFiles = await query(
        "SELECT 1 FROM information_schema.columns WHERE table_name = 'message_attachments' AND column_name = 'file_path'",
      );
      if (!hasFiles.length) return;
      const rows = await query('SELECT file_path, sha256 FROM message_attachments WHERE file_path IS NOT NULL ORDER BY id');
      fs.mkdirSync(linkDir, { recursive: true, mode: 0o700 });
      for (const r of rows as { file_path: string; sha256: string }[]) {
        const link = path.join(linkDir, path.basename(r.file_path));
        fs.linkSync(resolveFile(root, r.file_path), link);
        files.push({ entry: { path: r.file_path, size: fs.statSync(link).size, sha256: r.sha256 }, link });
      }
    });
    const head = backupHead(Buffer.from(await tar.arrayBuffer()), {
      createdAt: new Date(),
      lastMigration: last.rows[0]?.name ?? null,
      files: files.map((f) => f.entry),
    });
    return { head, files, total: head.length + files.reduce((n, f) => n + f.entry.size, 0), cleanup };
  } catch (err) {
    cleanup();
    throw err;
  }
}

/** Writes a snapshot to `out` (its head, then each file streamed from its link), without ending `out`. */
async function writeSnapshot(snap: Snapshot, out: NodeJS.WritableStream): Promise<void> {
  const write = (b: Buffer) => new Promise<void>((resolve, reject) => out.write(b, (err) => (err ? reject(err) : resolve())));
  await write(snap.head);
  for (const f of snap.files)
    for await (const piece of fs.createReadStream(f.link, { highWaterMark: 1024 * 1024 })) await write(piece as Buffer);
}

/**
 * While `casework serve` holds the data folder, `casework backup` asks it for a snapshot over a
 * Unix socket in that folder (mode 0600: the server's own user only). One command: `backup`.
 */
export async function openControlSocket(dataDir: string, db: Db, log: Logger): Promise<{ close(): Promise<void> }> {
  const file = path.join(dataDir, SOCKET);
  fs.rmSync(file, { force: true }); // this process holds the folder's lock: any socket file is a dead one's
  const server = net.createServer((conn) => {
    let line = '';
    conn.setEncoding('utf8');
    conn.on('error', () => {});
    conn.on('data', (chunk: string) => {
      line += chunk;
      if (!line.includes('\n')) {
        if (line.length > 100) conn.destroy();
        return;
      }
      conn.removeAllListeners('data');
      if (line.trim() !== 'backup') {
        conn.end('ERR unknown command\n');
        return;
      }
      snapshot(db).then(
        async (snap) => {
          try {
            conn.write(`OK ${snap.total}\n`);
            await writeSnapshot(snap, conn);
            conn.end();
            log.info({ bytes: snap.total, files: snap.files.length }, 'backup snapshot sent');
          } catch (err) {
            log.warn({ err }, 'backup snapshot not sent whole');
            conn.destroy();
          } finally {
            snap.cleanup();
          }
        },
        (err: Error) => conn.end(`ERR ${err.message.replace(/\n/g, ' ')}\n`),
      );
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(file, () => resolve());
    });
    fs.chmodSync(file, 0o600);
  } catch (err) {
    log.warn({ err }, `no control socket at ${file}: \`casework backup\` needs this server stopped`);
    return { close: async () => {} };
  }
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        fs.rmSync(file, { force: true });
      }),
  };
}

/**
 * Asks the server holding the folder for a snapshot, written to `file` as it arrives; false when no
 * server answers there.
 */
async function askServer(dataDir: string, file: string): Promise<boolean> {
  const sock = path.join(dataDir, SOCKET);
  if (!fs.existsSync(sock)) return false;
  return new Promise((resolve, reject) => {
    const conn = net.connect(sock);
    let head = Buffer.alloc(0);
    let expected = -1;
    let got = 0;
    let out: fs.WriteStream | null = null;
    const fail = (err: Error) => {
      conn.destroy();
      out?.destroy();
      reject(err);
    };
    conn.on('connect', () => conn.write('backup\n'));
    conn.on('data', (d: Buffer) => {
      if (out) {
        got += d.length;
        if (!out.write(d)) {
          conn.pause();
          out.once('drain', () => conn.resume());
        }
        return;
      }
      head = Buffer.concat([head, d]);
      const nl = head.indexOf(0x0a);
      if (nl < 0) return;
      const line = head.subarray(0, nl).toString('utf8');
      const ok = /^OK (\d+)$/.exec(line);
      if (!ok) return fail(new Error(`The running server could not make a backup: ${line.replace(/^ERR /, '')}`));
      expected = Number(ok[1]);
      out = fs.createWriteStream(file);
      out.on('error', fail);
      const rest = head.subarray(nl + 1);
      got = rest.length;
      out.write(rest);
    });
    conn.on('error', (err: NodeJS.ErrnoException) => {
      if (!out && (err.code === 'ECONNREFUSED' || err.code === 'ENOENT')) resolve(false);
      else fail(err);
    });
    conn.on('end', () => {
      if (!out) return fail(new Error(`The running server could not make a backup: ${head.toString('utf8').replace(/^ERR /, '')}`));
      out.end(() => {
        if (got !== expected) reject(new Error('The running server stopped while sending the backup: nothing was written.'));
        else resolve(true);
      });
    });
  });
}

/** `casework backup --to FILE`: from the running server if there is one, else from the folder itself. Written whole or not at all. */
export async function backupTo(dataDir: string, file: string): Promise<BackupInfo> {
  const tmp = `${file}.partial`;
  try {
    if (!(await askServer(dataDir, tmp))) {
      if (!fs.existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))) throw new Error(`There is no embedded database in ${dataDir}.`);
      const db = await openPGlite({ dataDir });
      try {
        const snap = await snapshot(db);
        try {
          const out = fs.createWriteStream(tmp);
          await writeSnapshot(snap, out);
          await new Promise<void>((resolve, reject) => {
            out.on('error', reject);
            out.end(resolve);
          });
        } finally {
          snap.cleanup();
        }
      } finally {
        await db.close();
      }
    }
    const fd = fs.openSync(tmp, 'r+');
    try {
      fs.fsyncSync(fd);
      const { info } = openBackup(fd, file);
      fs.renameSync(tmp, file);
      return info;
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * `casework restore --from FILE` into an empty (or new) data folder: the file is checked whole
 * first; then the attachment files are written (each checked against its SHA-256) and the database
 * is opened once to prove it works. Any failure leaves the folder as it was found.
 */
export async function restoreFrom(file: string, dataDir: string): Promise<BackupInfo> {
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0)
    throw new BackupFileError(
      `The data folder ${dataDir} is not empty: restore only into an empty or new folder (move the old one aside first).`,
    );
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    throw new BackupFileError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  const created = !fs.existsSync(dataDir);
  try {
    const opened = openBackup(fd, file);
    try {
      for (const { entry, pieces } of backupFilePieces(fd, opened)) {
        const id = path.basename(entry.path);
        let written: Awaited<ReturnType<typeof writeFile>>;
        try {
          if (filePathOf(id) !== entry.path) throw new Error('not a file path Casework writes');
          written = await writeFile(path.join(dataDir, 'files'), id, pieces);
        } catch (err) {
          throw new BackupFileError(
            `${file} is damaged: the attachment file ${entry.path} cannot be restored (${(err as Error).message}).`,
          );
        }
        if (written.sha256 !== entry.sha256)
          throw new BackupFileError(`${file} is damaged: the attachment file ${entry.path} does not match its checksum.`);
      }
      const db = await openPGlite({ dataDir, loadDataDir: new Blob([new Uint8Array(opened.tar)]) });
      try {
        await sql`SELECT count(*) FROM schema_migrations`.execute(db.kysely);
      } finally {
        await db.close();
      }
      return opened.info;
    } catch (err) {
      // Leave the folder as it was found: empty (or absent).
      if (created) fs.rmSync(dataDir, { recursive: true, force: true });
      else for (const f of fs.readdirSync(dataDir)) fs.rmSync(path.join(dataDir, f), { recursive: true, force: true });
      if (err instanceof BackupFileError) throw err;
      throw new BackupFileError(`${file} passed its checks but the database in it does not open: ${(err as Error).message}`);
    }
  } finally {
    fs.closeSync(fd);
  }
}
