import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestApp, type TestApp } from '../test-support/harness.ts';
import { expectProblem } from '../test-support/case-fixtures.ts';

const get = async (t: TestApp, opts: { remoteAddress?: string; headers?: Record<string, string> } = {}) => {
  const res = await t.app.inject({
    method: 'GET',
    url: '/metrics',
    remoteAddress: opts.remoteAddress ?? '127.0.0.1',
    headers: opts.headers,
  });
  return Object.assign(res, { data: res.headers['content-type']?.toString().includes('json') ? JSON.parse(res.body) : res.body });
};

describe.each(DB_KINDS)('/metrics is protected (%s)', (kind) => {
  let open: TestApp;
  let proxied: TestApp;
  let tokened: TestApp;
  beforeAll(async () => {
    [open, proxied, tokened] = await Promise.all([
      startTestApp(kind),
      startTestApp(kind, { config: { trustProxy: true } }),
      startTestApp(kind, { config: { metricsToken: 's3cret-metrics' } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([open.close(), proxied.close(), tokened.close()]);
  });

  it.each([
    ['IPv4 loopback', '127.0.0.1', 200],
    ['another loopback address', '127.0.0.2', 200],
    ['IPv6 loopback', '::1', 200],
    ['IPv4-mapped loopback', '::ffff:127.0.0.1', 200],
    ['a private address', '10.0.0.5', 403],
    ['a public address', '203.0.113.9', 403],
  ])('without a token: %s → %i', async (_n, remoteAddress, status) => {
    const r = await get(open, { remoteAddress });
    expect(r.statusCode).toBe(status);
    if (status === 200) expect(r.body).toContain('casework_http_requests_total');
    else expect(expectProblem(r, 403, 'forbidden').detail).toMatch(/CASEWORK_METRICS_TOKEN/);
  });

  it('without a token, a request forwarded by a proxy on this machine is not loopback', async () => {
    for (const headers of [
      { 'x-forwarded-for': '203.0.113.9' },
      { forwarded: 'for=203.0.113.9' },
      { 'x-forwarded-for': '127.0.0.1' },
    ] as Record<string, string>[]) {
      expectProblem(await get(proxied, { headers }), 403, 'forbidden');
      expectProblem(await get(open, { headers }), 403, 'forbidden');
    }
    expect((await get(proxied)).statusCode).toBe(200);
  });

  it('with a token: only the right bearer token, from anywhere', async () => {
    expect((await get(tokened, { remoteAddress: '203.0.113.9', headers: { authorization: 'Bearer s3cret-metrics' } })).statusCode).toBe(
      200,
    );
    for (const headers of [
      undefined,
      { authorization: 'Bearer wrong' },
      { authorization: 'Bearer s3cret-metric' },
      { authorization: 's3cret-metrics' },
    ]) {
      expectProblem(await get(tokened, { headers }), 401, 'unauthenticated');
    }
    // Loopback alone is not enough once a token is set.
    expectProblem(await get(tokened), 401, 'unauthenticated');
  });

  it('an API token is not a metrics token', async () => {
    expectProblem(await get(tokened, { headers: { authorization: 'Bearer cw_not-the-metrics-token' } }), 401, 'unauthenticated');
  });
});
