import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, makeTeam, makeUser, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';

const WEB = path.resolve(import.meta.dirname, '../../../web');

/** Every script of an HTML page is loaded from a file: no inline script, no inline handler, no javascript: URL. */
function inlineScripts(html: string): string[] {
  const found: string[] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    if (!/\bsrc\s*=/i.test(m[1]!) || m[2]!.trim() !== '') found.push(m[0].slice(0, 80));
  }
  for (const m of html.matchAll(/<[a-z][^>]*\s(on[a-z]+)\s*=/gi)) found.push(m[1]!);
  if (/javascript:/i.test(html)) found.push('javascript: URL');
  return found;
}

type Headers = Record<string, unknown>;
const csp = (h: Headers) => String(h['content-security-policy'] ?? '');

/** What every answer carries. */
function expectBaseline(h: Headers, what: string) {
  expect(h['x-content-type-options'], what).toBe('nosniff');
  expect(h['referrer-policy'], what).toBe('same-origin');
  const policy = csp(h);
  expect(policy, what).toMatch(/(^|; )script-src 'self'(;|$)/);
  expect(policy, what).not.toMatch(/script-src[^;]*unsafe-(inline|eval)/);
  expect(policy, what).toContain("object-src 'none'");
  expect(policy, what).toContain("base-uri 'self'");
}
const expectNotFramable = (h: Headers, what: string) => {
  expect(csp(h), what).toContain("frame-ancestors 'none'");
  expect(h['x-frame-options'], what).toBe('DENY');
};
const expectEmbeddable = (h: Headers, what: string) => {
  expect(csp(h), what).not.toContain('frame-ancestors');
  expect(h['x-frame-options'], what).toBeUndefined();
};

describe.each(DB_KINDS)('browser security headers (%s)', (kind) => {
  let t: TestApp;
  let agent: TestUser;
  let admin: TestUser;
  const webDist = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-web-'));

  beforeAll(async () => {
    fs.mkdirSync(path.join(webDist, 'assets'));
    fs.writeFileSync(
      path.join(webDist, 'index.html'),
      '<!doctype html><title>Casework</title><div id="root"></div><script type="module" src="/assets/app.js"></script>',
    );
    fs.writeFileSync(path.join(webDist, 'assets', 'app.js'), 'console.log(1)');
    t = await startTestApp(kind, { config: { webDist } });
    const team = await makeTeam(t.db, 'Care');
    agent = await makeUser(t.db, { role: 'agent', teamIds: [team] });
    admin = await makeUser(t.db, { role: 'admin', teamIds: [team] });
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(webDist, { recursive: true, force: true });
  });

  it('the agent app (index and client routes) may not be framed', async () => {
    for (const url of ['/', '/login', '/cases/0190a0a0-0000-7000-8000-000000000000']) {
      const r = await call(t, null, 'GET', url);
      expect(r.statusCode, url).toBe(200);
      expect(r.headers['content-type']).toMatch(/^text\/html/);
      expectBaseline(r.headers, url);
      expectNotFramable(r.headers, url);
      expect(inlineScripts(r.body), url).toEqual([]);
    }
    expect((await call(t, null, 'GET', '/')).headers['strict-transport-security']).toBeUndefined();
  });

  it('the built web app (and its source page) loads every script from a file', () => {
    const pages = [path.join(WEB, 'index.html'), path.join(WEB, 'dist', 'index.html')].filter((f) => fs.existsSync(f));
    expect(pages.length).toBeGreaterThan(0);
    for (const f of pages) expect(inlineScripts(fs.readFileSync(f, 'utf8')), f).toEqual([]);
  });

  it('static assets, JSON answers and problems: nosniff and the app policy', async () => {
    const answers = [
      ['asset', await call(t, null, 'GET', '/assets/app.js'), 200],
      ['api', await call(t, agent, 'GET', '/api/v1/me'), 200],
      ['401 problem', await call(t, null, 'GET', '/api/v1/me'), 401],
      ['404 problem', await call(t, agent, 'GET', '/api/v1/nothing-here'), 404],
      ['400 problem', await call(t, agent, 'POST', '/api/v1/cases', { subject: '' }), 400],
      ['health', await call(t, null, 'GET', '/healthz'), 200],
      ['openapi', await call(t, null, 'GET', '/api/v1/openapi.json'), 200],
      ['admin api', await call(t, admin, 'GET', '/api/v1/users'), 200],
    ] as const;
    for (const [what, r, status] of answers) {
      expect(r.statusCode, what).toBe(status);
      expectBaseline(r.headers, what);
      expectNotFramable(r.headers, what);
    }
  });

  it('the API documentation page loads its scripts from files and may not be framed', async () => {
    const r = await call(t, null, 'GET', '/api/docs');
    expect(r.statusCode).toBe(200);
    expectBaseline(r.headers, 'docs');
    expectNotFramable(r.headers, 'docs');
    expect(inlineScripts(r.body)).toEqual([]);
  });

  it('the widget script and the public demo chat page may be embedded, under the same script policy', async () => {
    const widget = await call(t, null, 'GET', '/widget.js');
    expect(widget.statusCode).toBe(200);
    expectBaseline(widget.headers, 'widget');
    expectEmbeddable(widget.headers, 'widget');
    const demo = await call(t, null, 'GET', '/demo/chat');
    expect(demo.statusCode).toBe(200);
    expectBaseline(demo.headers, 'demo');
    expectEmbeddable(demo.headers, 'demo');
    expect(inlineScripts(demo.body)).toEqual([]);
  });

  it('HSTS only when secure cookies are on (the server is reached over HTTPS)', async () => {
    const secure = await startTestApp(kind, { config: { webDist, secureCookies: true } });
    try {
      for (const url of ['/', '/api/v1/me', '/demo/chat']) {
        expect((await call(secure, null, 'GET', url)).headers['strict-transport-security'], url).toBe(
          'max-age=31536000; includeSubDomains',
        );
      }
    } finally {
      await secure.close();
    }
    expect((await call(t, null, 'GET', '/api/v1/me')).headers['strict-transport-security']).toBeUndefined();
  });
});
