import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { closeServer } from './close-server.ts';

/** One GET over a keep-alive connection (as browsers and fetch keep them). */
function get(agent: http.Agent, port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('closing the server (graceful stop)', () => {
  it('an answer still running when the stop begins is finished, and its keep-alive connection then closes without being cut', async () => {
    const app = Fastify();
    let release = () => {};
    const started = new Promise<void>((r) => {
      app.get('/slow', async () => {
        r();
        await new Promise<void>((go) => {
          release = go;
        });
        return { done: true };
      });
    });
    app.get('/quick', async () => ({ ok: true }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as AddressInfo).port;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    try {
      // An idle keep-alive connection (closed at once) and one whose answer is still running.
      expect((await get(agent, port, '/quick')).status).toBe(200);
      const slow = get(agent, port, '/slow');
      await started;
      const closing = closeServer(app, 30_000, { beforeCut: () => release() });
      setTimeout(() => release(), 200);
      expect(await slow).toEqual({ status: 200, body: '{"done":true}' });
      // Without the sweep the finished connection stays open, idle, until the cut after 30 s.
      expect(await closing).toBe('closed');
    } finally {
      agent.destroy();
    }
  });

  it('a connection still busy after the limit is cut, and says so', async () => {
    const app = Fastify();
    app.get('/never', () => new Promise(() => {}));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as AddressInfo).port;
    const agent = new http.Agent({ keepAlive: true });
    const lost = get(agent, port, '/never').catch((err: Error) => err);
    await new Promise((r) => setTimeout(r, 100));
    let told = false;
    expect(await closeServer(app, 300, { beforeCut: () => (told = true) })).toBe('cut');
    expect(told).toBe(true);
    expect(await lost).toBeInstanceOf(Error);
    agent.destroy();
  });
});
