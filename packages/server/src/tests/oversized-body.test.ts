import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, listenOnLoopback, makeTeam, makeUser, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';

type Answer = { status: number; type: string; body: string; sent: boolean; error?: string };

/**
 * Sends `size` bytes of JSON over a real socket as a browser does (the whole body, in chunks,
 * whatever comes back meanwhile), then reads the answer. A server that closes the connection
 * while the body is still coming makes the client fail with EPIPE / ECONNRESET instead.
 */
function post(base: string, path: string, size: number, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve) => {
    const url = new URL(path, base);
    const req = http.request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(size),
        ...headers,
      },
    });
    const answer: Answer = { status: 0, type: '', body: '', sent: false };
    let read = false;
    req.on('finish', () => {
      answer.sent = true;
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        Object.assign(answer, {
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type']),
          body: Buffer.concat(chunks).toString('utf8'),
        });
        read = true;
      });
    });
    req.on('error', (err) => {
      answer.error ??= (err as NodeJS.ErrnoException).code ?? err.message;
    });
    req.on('close', () => setImmediate(() => resolve(read ? answer : { ...answer, error: answer.error ?? 'no answer' })));
    const prefix = '{"email":"';
    const suffix = '","password":"x"}';
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let left = size - prefix.length - suffix.length;
    req.write(prefix);
    const pump = () => {
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        if (!req.write(chunk.subarray(0, n))) {
          req.once('drain', pump);
          return;
        }
      }
      req.end(suffix);
    };
    pump();
  });
}

describe.each(DB_KINDS)('oversized request bodies over a real socket (%s)', (kind) => {
  let t: TestApp;
  let base: string;
  let agent: TestUser;

  beforeAll(async () => {
    t = await startTestApp(kind);
    const team = await makeTeam(t.db, 'Care');
    agent = await makeUser(t.db, { role: 'agent', teamIds: [team] });
    base = await listenOnLoopback(t);
  });
  afterAll(() => t.close());

  it.each(['/api/v1/cases', '/api/v1/auth/login'])('a 5 MB JSON POST to %s reads a 413 problem, not a broken pipe', async (path) => {
    const answer = await post(base, path, 5 * 1024 * 1024, agent.headers);
    expect(answer.error).toBeUndefined();
    expect(answer.sent).toBe(true);
    expect(answer.status).toBe(413);
    expect(answer.type).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 413, code: 'payload_too_large' });
  });
});
