import http from 'node:http';

export type SseEvent = { id?: string; event: string; data: any };

export type SseStream = {
  status: Promise<number>;
  events: SseEvent[];
  /** The first event (already received or still to come) that matches; rejects after `waitMs`. */
  next(match: (e: SseEvent) => boolean, what: string, waitMs?: number): Promise<SseEvent>;
  close(): void;
};

function parseBlock(block: string): SseEvent | null {
  let event = '';
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':') || line === '') continue;
    const at = line.indexOf(':');
    const field = at < 0 ? line : line.slice(0, at);
    const value = at < 0 ? '' : line.slice(at + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'id') id = value;
    else if (field === 'data') data.push(value);
  }
  if (!event) return null;
  return { ...(id !== undefined ? { id } : {}), event, data: data.length ? JSON.parse(data.join('\n')) : null };
}

/** A plain HTTP client of a server-sent event stream (what a browser's EventSource does). */
export function openSse(url: string, headers: Record<string, string>): SseStream {
  const events: SseEvent[] = [];
  const listeners = new Set<() => void>();
  let buffer = '';
  const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } });
  const status = new Promise<number>((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res) => {
      resolve(res.statusCode ?? 0);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let i = buffer.indexOf('\n\n'); i >= 0; i = buffer.indexOf('\n\n')) {
          const e = parseBlock(buffer.slice(0, i));
          buffer = buffer.slice(i + 2);
          if (e) events.push(e);
        }
        for (const l of listeners) l();
      });
    });
  });
  status.catch(() => {});
  return {
    status,
    events,
    next(match, what, waitMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(match);
          if (!found) return false;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no ${what} among ${JSON.stringify(events)}`));
        }, waitMs);
        if (!check()) listeners.add(check);
      });
    },
    close: () => {
      req.destroy();
    },
  };
}
