import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';

/**
 * Where one request's time went, in milliseconds: its statements (time from sending each to its
 * answer, and their number: BEGIN and COMMIT count), the auth hook, and the serialisation of the
 * answer. Filled in by the driver wrapper (db/access-watch.ts) and the HTTP hooks
 * (http/server-timing.ts); read into the `Server-Timing` header and the per-route histograms.
 */
export type RequestTiming = {
  start: number;
  dbMs: number;
  statements: number;
  /** Of dbMs: the COMMITs (a write's flush to disk). */
  commitMs: number;
  /** The auth hook's time, its statements included (authDbMs of them). */
  authMs: number;
  authDbMs: number;
  serialiseStart: number;
  serialiseMs: number;
};

const storage = new AsyncLocalStorage<RequestTiming>();

export const newTiming = (): RequestTiming => ({
  start: performance.now(),
  dbMs: 0,
  statements: 0,
  commitMs: 0,
  authMs: 0,
  authDbMs: 0,
  serialiseStart: 0,
  serialiseMs: 0,
});

/** Runs `fn` (and everything it starts) as part of the request whose figures `t` holds. */
export const withTiming = (t: RequestTiming, fn: () => void): void => storage.run(t, fn);

/** The figures of the request this code runs for, if any (timers and startup have none). */
export const currentTiming = (): RequestTiming | undefined => storage.getStore();

/** Adds one statement that started at `t0` (a `performance.now()`) to the current request. */
export function countStatement(t: RequestTiming | undefined, t0: number): void {
  if (!t) return;
  t.statements++;
  t.dbMs += performance.now() - t0;
}
