import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { openPGlite, type Db } from '../db/connect.ts';
import { BackupFileError, readBackup, writeBackup, type BackupInfo } from './backup-file.ts';

/** The control socket a serving process opens in its data folder (only its user may connect). */
const SOCKET = 'casework.sock';

/** A backup file of this embedded database, consistent: a checkpoint, then its folder, with nothing running between. */
async function snapshot(db: Db): Promise<Buffer> {
  if (!db.dump) throw new Error('Only the embedded database is backed up this way; for PostgreSQL use pg_dump (docs/OPERATIONS.md).');
  const last = await sql<{ name: string }>`SELECT max(name) AS name FROM schema_migrations`.execute(db.kysely);
  const tar = Buffer.from(await (await db.dump()).arrayBuffer());
  return writeBackup(tar, { createdAt: new Date(), lastMigration: last.rows[0]?.name ?? null });
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
        (bytes) => {
          log.info({ bytes: bytes.length }, 'backup snapshot sent');
          conn.write(`OK ${bytes.length}\n`);
          conn.end(bytes);
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

/** Asks the server holding the folder for a snapshot; null when no server answers there. */
async function askServer(dataDir: string): Promise<Buffer | null> {
  const file = path.join(dataDir, SOCKET);
  if (!fs.existsSync(file)) return null;
  return new Promise((resolve, reject) => {
    const conn = net.connect(file);
    const parts: Buffer[] = [];
    conn.on('connect', () => conn.write('backup\n'));
    conn.on('data', (d: Buffer) => parts.push(d));
    conn.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED' || err.code === 'ENOENT') resolve(null);
      else reject(err);
    });
    conn.on('end', () => {
      const all = Buffer.concat(parts);
      const nl = all.indexOf(0x0a);
      const head = all.subarray(0, nl < 0 ? all.length : nl).toString('utf8');
      const ok = /^OK (\d+)$/.exec(head);
      if (!ok) return reject(new Error(`The running server could not make a backup: ${head.replace(/^ERR /, '')}`));
      const bytes = all.subarray(nl + 1);
      if (bytes.length !== Number(ok[1]))
        return reject(new Error('The running server stopped while sending the backup: nothing was written.'));
      resolve(bytes);
    });
  });
}

/** `casework backup --to FILE`: from the running server if there is one, else from the folder itself. Written whole or not at all. */
export async function backupTo(dataDir: string, file: string): Promise<BackupInfo> {
  let bytes = await askServer(dataDir);
  if (!bytes) {
    if (!fs.existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))) throw new Error(`There is no embedded database in ${dataDir}.`);
    const db = await openPGlite({ dataDir });
    try {
      bytes = await snapshot(db);
    } finally {
      await db.close();
    }
  }
  const tmp = `${file}.partial`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, file);
  return readBackup(bytes, file).info;
}

/** `casework restore --from FILE` into an empty (or new) data folder; the file is checked whole first. */
export async function restoreFrom(file: string, dataDir: string): Promise<BackupInfo> {
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0)
    throw new BackupFileError(
      `The data folder ${dataDir} is not empty: restore only into an empty or new folder (move the old one aside first).`,
    );
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new BackupFileError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  const { info, tar } = readBackup(bytes, file);
  const created = !fs.existsSync(dataDir);
  try {
    const db = await openPGlite({ dataDir, loadDataDir: new Blob([new Uint8Array(tar)]) });
    try {
      await sql`SELECT count(*) FROM schema_migrations`.execute(db.kysely);
    } finally {
      await db.close();
    }
  } catch (err) {
    // Leave the folder as it was found: empty (or absent).
    if (created) fs.rmSync(dataDir, { recursive: true, force: true });
    else for (const f of fs.readdirSync(dataDir)) fs.rmSync(path.join(dataDir, f), { recursive: true, force: true });
    throw new BackupFileError(`${file} passed its checks but the database in it does not open: ${(err as Error).message}`);
  }
  return info;
}
