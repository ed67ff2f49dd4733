import http from 'node:http';
import { randomUUID } from 'node:crypto';

// A new connection per request, as each browser tab's own: no idle connection is reused across a restart.
const agent = new http.Agent({ keepAlive: false });

export type Answer = { status: number; data: any; headers: http.IncomingHttpHeaders };
export type Send = { token?: string; body?: unknown; headers?: Record<string, string> };

/** One HTTP request; rejects on a network error. */
export function send(base: string, method: string, url: string, o: Send = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = o.body === undefined ? undefined : JSON.stringify(o.body);
    const req = http.request(
      `${base}${url}`,
      {
        method,
        agent,
        timeout: 30_000,
        headers: {
          ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
          ...(payload ? { 'content-type': 'application/json' } : {}),
          ...o.headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => {
          let data: unknown = text;
          try {
            data = text ? JSON.parse(text) : null;
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, data, headers: res.headers });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(payload);
  });
}

/** What the load saw: every attempt, every failed attempt (with why), and requests given up on. */
export class Ledger {
  requests = 0;
  failures = 0;
  gaveUp = 0;
  readonly why: string[] = [];
  /** The last failure of each request given up on. */
  readonly gaveUpOn: string[] = [];
  phase = 'start';
  readonly byPhase = new Map<string, { requests: number; failures: number }>();

  count(failed: string | null): void {
    this.requests++;
    const p = this.byPhase.get(this.phase) ?? { requests: 0, failures: 0 };
    this.byPhase.set(this.phase, p);
    p.requests++;
    if (failed) {
      this.failures++;
      p.failures++;
      if (this.why.length < 50) this.why.push(`[${this.phase}] ${failed}`);
    }
  }
}

/**
 * Sends until an answer other than a failure (network error, 5xx, 429) comes, with the same
 * request (so the same Idempotency-Key or client message id): what a careful client does.
 * `expected` says which answers are not failures. Null when it gave up.
 */
export async function reliably(
  ledger: Ledger,
  base: string,
  method: string,
  url: string,
  o: Send,
  expected: (a: Answer, attempt: number) => boolean = (a) => a.status < 300,
): Promise<Answer | null> {
  let last = '';
  for (let attempt = 0; attempt < 60; attempt++) {
    let a: Answer | null = null;
    let failed: string | null = null;
    try {
      a = await send(base, method, url, o);
      if (!expected(a, attempt))
        failed = `${method} ${url.replace(/[0-9a-f-]{36}/g, ':id')} → ${a.status} ${JSON.stringify(a.data).slice(0, 160)}`;
    } catch (err) {
      failed = `${method} ${url.replace(/[0-9a-f-]{36}/g, ':id')} → ${(err as Error).message}`;
    }
    ledger.count(failed);
    if (!failed) return a;
    last = `[${ledger.phase}] ${failed}`;
    await new Promise((r) => setTimeout(r, 250));
  }
  ledger.gaveUp++;
  ledger.gaveUpOn.push(last);
  return null;
}

/**
 * A browser's event stream through the load balancer: reconnects after the server's `retry:`
 * hint (or at once after a network error) with Last-Event-ID, as EventSource does. Keeps every
 * case event id it received and how long each reconnection took.
 */
export class Observer {
  readonly received = new Set<string>();
  readonly recoveries: number[] = [];
  reconnects = 0;
  hints = 0;
  /** Times the server said the stream was too far behind to replay (a browser then refetches everything). */
  resyncs = 0;
  /** The Last-Event-ID each reconnection resumed from. */
  readonly resumedFrom: string[] = [];
  #lastId: string | null = null;
  #retryMs = 2000;
  #stopped = false;
  #req: http.ClientRequest | null = null;
  #lostAt: number | null = null;
  #gen = 0;
  #readyWaiters: (() => void)[] = [];
  ready = false;

  constructor(
    private readonly base: string,
    private readonly token: string,
  ) {}

  start(): Promise<void> {
    this.#connect();
    return new Promise((r) => this.#readyWaiters.push(r));
  }

  stop(): void {
    this.#stopped = true;
    this.#req?.destroy();
  }

  #lost(gen: number): void {
    if (this.#stopped || gen !== this.#gen) return;
    this.ready = false;
    if (this.#lostAt === null) {
      this.#lostAt = Date.now();
      this.reconnects++;
    }
    setTimeout(() => this.#connect(), this.#retryMs);
  }

  #connect(): void {
    if (this.#stopped) return;
    const gen = ++this.#gen;
    let done = false;
    if (this.#lastId && gen > 1) this.resumedFrom.push(this.#lastId);
    const req = http.get(`${this.base}/api/v1/events`, {
      agent,
      headers: {
        authorization: `Bearer ${this.token}`,
        accept: 'text/event-stream',
        ...(this.#lastId ? { 'last-event-id': this.#lastId } : {}),
      },
    });
    const lost = () => {
      if (done) return;
      done = true;
      req.destroy();
      this.#lost(gen);
    };
    this.#req = req;
    req.on('error', lost);
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        res.on('end', lost);
        return;
      }
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let i = buffer.indexOf('\n\n'); i >= 0; i = buffer.indexOf('\n\n')) {
          this.#block(buffer.slice(0, i));
          buffer = buffer.slice(i + 2);
        }
      });
      res.on('end', lost);
      res.on('close', lost);
      res.on('error', lost);
    });
  }

  #block(block: string): void {
    let id: string | null = null;
    let event = '';
    for (const line of block.split('\n')) {
      const at = line.indexOf(':');
      if (at <= 0) continue;
      const field = line.slice(0, at);
      const value = line.slice(at + 1).replace(/^ /, '');
      if (field === 'retry') this.#retryMs = Number(value);
      else if (field === 'id') id = value;
      else if (field === 'event') event = value;
    }
    if (id) {
      this.received.add(id);
      this.#lastId = id;
    }
    if (event === 'reconnect') this.hints++;
    if (event === 'resync') this.resyncs++;
    if (event === 'ready') {
      this.ready = true;
      if (this.#lostAt !== null) this.recoveries.push(Date.now() - this.#lostAt);
      this.#lostAt = null;
      for (const w of this.#readyWaiters.splice(0)) w();
    }
  }
}

export const key = () => randomUUID();
