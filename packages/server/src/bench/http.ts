import http from 'node:http';
import { ms, now } from './stats.ts';

/** One keep-alive connection pool per server process; only loopback addresses are accepted. */
export function makeAgent(maxSockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets, keepAliveMsecs: 10_000 });
}

/** `serverTiming`: the answer's Server-Timing header (where the server says its time went). */
export type Reply = { status: number; body: string; ms: number; serverTiming?: string };

function assertLoopback(base: string): URL {
  const u = new URL(base);
  if (u.hostname !== '127.0.0.1') throw new Error(`the benchmark only talks to 127.0.0.1, not ${u.hostname}`);
  return u;
}

/** A JSON request timed from send to the last byte of the answer. */
export function request(
  agent: http.Agent,
  base: string,
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const u = assertLoopback(base);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const start = now();
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        method,
        path,
        agent,
        timeout: 120_000,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: ms(start),
            serverTiming: res.headers['server-timing'] as string | undefined,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

export type SseEvent = { event: string; data: Record<string, unknown>; at: bigint };

/** A server-sent-events client; `onEvent` sees every event with its arrival time. */
export function openEvents(base: string, token: string, onEvent: (e: SseEvent) => void): Promise<{ close(): void }> {
  const u = assertLoopback(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: '/api/v1/events',
        headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      },
      (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`events answered ${res.statusCode}`));
          return;
        }
        let buf = '';
        let ready = false;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const at = now();
          buf += chunk;
          for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
            const frame = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const ev = /^event: (.*)$/m.exec(frame)?.[1];
            const data = /^data: (.*)$/m.exec(frame)?.[1];
            if (!ev || !data) continue;
            if (ev === 'ready' && !ready) {
              ready = true;
              resolve({ close: () => req.destroy() });
            }
            onEvent({ event: ev, data: JSON.parse(data) as Record<string, unknown>, at });
          }
        });
        res.on('error', () => {});
      },
    );
    req.on('error', (err) => reject(err));
    req.end();
  });
}
