import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SNIFF_BYTES } from './sniff.ts';

/**
 * Attachment bytes as files beside the embedded database (its data folder's `files/`): PGlite
 * would copy every byte through its WASM heap, which grows and never shrinks. A file is written
 * under a temporary name, flushed to disk, renamed into place and its folder flushed, all before
 * its row commits: an acknowledged file survives a crash. Files are named by attachment id, so a
 * file whose row is gone (deleted, or its transaction rolled back) is found by `removeOrphanFiles`.
 */

/** Where an attachment's file goes, relative to the files folder: `<last two characters of the id>/<id>`. */
export const filePathOf = (attachmentId: string): string => `${attachmentId.slice(-2)}/${attachmentId}`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A file's place on disk from its stored relative path; refuses anything that is not one filePathOf makes. */
export function resolveFile(root: string, rel: string): string {
  const [dir, name, ...rest] = rel.split('/');
  if (rest.length || !name || !UUID.test(name) || dir !== name.slice(-2)) throw new Error(`Not an attachment file path: ${rel}`);
  return path.join(root, dir, name);
}

export type WrittenFile = { path: string; size: number; sha256: string; head: Buffer };

/** Stops a write (over the size cap): the caller's error is thrown after the partial file is removed. */
export type WriteCheck = (size: number) => void;

/**
 * Streams `source` into the attachment's file: temporary name, fsync, rename, fsync of the folder.
 * `check` runs with the size so far before each piece is written (the size cap); whatever it or
 * the source throws, nothing is left on disk.
 */
export async function writeFile(
  root: string,
  attachmentId: string,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  check: WriteCheck = () => {},
): Promise<WrittenFile> {
  const rel = filePathOf(attachmentId);
  const final = resolveFile(root, rel);
  await fs.promises.mkdir(path.dirname(final), { recursive: true });
  const tmp = `${final}.partial-${randomBytes(4).toString('hex')}`;
  const fh = await fs.promises.open(tmp, 'wx', 0o600);
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let headBytes = 0;
  let size = 0;
  try {
    // Read by hand rather than with for-await, which would destroy the source when we stop: a
    // request body must stay readable so the rest of it can be drained and a refusal reach the client.
    const parts = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
    for (;;) {
      const next = await parts.next();
      if (next.done) break;
      const buf = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      size += buf.length;
      check(size);
      hash.update(buf);
      if (headBytes < SNIFF_BYTES) {
        head.push(buf.subarray(0, SNIFF_BYTES - headBytes));
        headBytes += Math.min(buf.length, SNIFF_BYTES - headBytes);
      }
      for (let at = 0; at < buf.length; ) at += (await fh.write(buf, at, buf.length - at)).bytesWritten;
    }
    await fh.sync();
    await fh.close();
    await fs.promises.rename(tmp, final);
    await syncDir(path.dirname(final));
  } catch (err) {
    await fh.close().catch(() => {});
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
  return { path: rel, size, sha256: hash.digest('hex'), head: Buffer.concat(head) };
}

async function syncDir(dir: string): Promise<void> {
  const d = await fs.promises.open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/** A stored file's bytes as a stream (read in 1 MiB pieces). */
export function readFile(root: string, rel: string): fs.ReadStream {
  return fs.createReadStream(resolveFile(root, rel), { highWaterMark: 1024 * 1024 });
}

/** Removes an attachment's file, if there is one. */
export async function removeFile(root: string, attachmentId: string): Promise<void> {
  await fs.promises.rm(resolveFile(root, filePathOf(attachmentId)), { force: true });
}

/** Every file under the files folder: its relative path, the attachment id it belongs to, its age. */
export async function listFiles(root: string): Promise<{ rel: string; id: string; mtimeMs: number }[]> {
  const out: { rel: string; id: string; mtimeMs: number }[] = [];
  const dirs = await fs.promises.readdir(root).catch(() => [] as string[]);
  for (const dir of dirs) {
    const names = await fs.promises.readdir(path.join(root, dir)).catch(() => [] as string[]);
    for (const name of names) {
      const st = await fs.promises.stat(path.join(root, dir, name)).catch(() => null);
      if (st?.isFile()) out.push({ rel: `${dir}/${name}`, id: name.split('.')[0]!, mtimeMs: st.mtimeMs });
    }
  }
  return out;
}
