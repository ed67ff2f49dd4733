import fs from 'node:fs';
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
  /** The statements themselves, only for a traced request (see TRACE_FILE). */
  trace: { label: string; statements: { sql: string; parameters: readonly unknown[] }[] } | null;
};

/**
 * Set by the benchmark: a request sent with `x-casework-trace: <label>` appends its statements,
 * as one JSON line, to this file (so they can be run directly and timed bare). Unset, nothing is
 * traced and a statement costs one null check more.
 */
const TRACE_FILE = process.env.CASEWORK_STATEMENT_TRACE || null;
export const tracing = TRACE_FILE !== null;

/** Appends a traced request's statements to the trace file. */
export function writeTrace(t: RequestTiming): void {
  if (t.trace && TRACE_FILE) fs.appendFileSync(TRACE_FILE, `${JSON.stringify(t.trace)}\n`);
}

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
  trace: null,
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
