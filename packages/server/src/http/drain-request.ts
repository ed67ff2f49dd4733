import type { IncomingMessage } from 'node:http';

/** How much of a refused body is read and discarded so its sender can read the answer. */
const DRAIN_LIMIT = 64 * 1024 * 1024;

/**
 * Reads and discards the rest of a request body, up to `limit` bytes. A server that answers
 * and closes while the client is still sending resets the connection, and the client (a browser,
 * curl without 100-continue) sees a broken pipe instead of the answer. Resolves true once the
 * whole body has arrived, false if it passed the limit or the connection failed (it is then
 * closed after the answer, as before).
 */
export function drainRequest(raw: IncomingMessage, limit = DRAIN_LIMIT): Promise<boolean> {
  if (raw.complete || raw.readableEnded || raw.destroyed) return Promise.resolve(raw.complete);
  return new Promise((resolve) => {
    let seen = 0;
    const finish = (whole: boolean) => {
      raw.off('data', onData).off('end', onEnd).off('error', onFail).off('close', onFail);
      resolve(whole);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > limit) {
        raw.pause();
        finish(false);
      }
    };
    const onEnd = () => finish(true);
    const onFail = () => finish(false);
    raw.on('data', onData).on('end', onEnd).on('error', onFail).on('close', onFail);
    raw.resume();
  });
}
