import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, fixedClock, startTestApp, type TestApp } from '../test-support/harness.ts';
import { expectProblem, fingerprint, makeOrg, seedCase, UNKNOWN_ID, type Org } from '../test-support/case-fixtures.ts';
import { randomToken, sha256, uuidv7 } from '../ids.ts';
import { SESSION_COOKIE } from '../http/auth-hook.ts';

const NOW = new Date('2026-05-04T10:00:00.000Z');

describe.each(DB_KINDS)('bad input and failure (%s)', (kind) => {
  let t: TestApp;
  let o: Org;
  let caseId: string;
  let before: string;
  /** A raw request (any payload, any headers) that must be refused with a problem and change nothing. */
  const raw = (method: string, url: string, payload: string | Buffer | undefined, headers: Record<string, string> = {}) =>
    t.app.inject({ method: method as 'POST', url, payload, headers: { ...o.agent.headers, ...headers } }).then((r) =>
      Object.assign(r, {
        data: (() => {
          try {
            return r.json();
          } catch {
            return r.body;
          }
        })(),
      }),
    );
  const json = { 'content-type': 'application/json' };

  beforeAll(async () => {
    t = await startTestApp(kind, { clock: fixedClock(NOW) });
    o = await makeOrg(t);
    caseId = await seedCase(t.db, { teamId: o.teamA, createdAt: new Date('2026-05-01T00:00:00Z') });
  });
  afterAll(() => t.close());

  const unchangedAndServing = async () => {
    expect(await fingerprint(t.db)).toBe(before);
    expect((await call(t, null, 'GET', '/healthz')).statusCode).toBe(200);
    expect((await call(t, o.agent, 'GET', `/api/v1/cases/${caseId}`)).data).toMatchObject({ id: caseId, status: 'new', ownerId: null });
  };

  it('malformed JSON answers 400 naming the body', async () => {
    before = await fingerprint(t.db);
    for (const text of ['{"subject": "x",', '{subject: "x"}', 'nul', '{"a":1}{"b":2}', '\u0000']) {
      const p = expectProblem(await raw('POST', '/api/v1/cases', text, json), 400, 'validation_failed');
      expect(p.fields).toEqual([{ field: 'body', message: 'is not valid JSON' }]);
    }
    const proto = await raw('POST', '/api/v1/cases', `{"subject":"x","teamId":"${o.teamA}","__proto__":{"admin":true}}`, json);
    expectProblem(proto, 400, 'validation_failed');
    await unchangedAndServing();
  });

  it('a body that is not a JSON object, or not JSON at all, is refused', async () => {
    before = await fingerprint(t.db);
    for (const text of ['[]', '"claim"', '42', 'null']) {
      const p = expectProblem(await raw('POST', `/api/v1/cases/${caseId}/claim`, text, json), 400, 'validation_failed');
      expect(p.fields.map((f: { field: string }) => f.field)).toEqual(['body']);
    }
    const form = await raw('POST', '/api/v1/cases', `subject=x&teamId=${o.teamA}`, { 'content-type': 'application/x-www-form-urlencoded' });
    expectProblem(form, 415, 'unsupported_media_type');
    const text = await raw('POST', '/api/v1/cases', JSON.stringify({ subject: 'x', teamId: o.teamA }), { 'content-type': 'text/plain' });
    expectProblem(text, 415, 'unsupported_media_type');
    const xml = await raw('POST', `/api/v1/cases/${caseId}/claim`, '<claim/>', { 'content-type': 'application/xml' });
    expectProblem(xml, 415, 'unsupported_media_type');
    await unchangedAndServing();
  });

  it('unknown fields are named as not allowed, once each', async () => {
    before = await fingerprint(t.db);
    const p = expectProblem(
      await call(t, o.agent, 'POST', '/api/v1/cases', { subject: 'x', teamId: o.teamA, status: 'ready', assignee: 'me' }),
      400,
      'validation_failed',
    );
    expect(p.fields).toEqual([
      { field: 'status', message: 'is not an allowed field' },
      { field: 'assignee', message: 'is not an allowed field' },
    ]);
    expect(p.detail).toBe('Status: is not an allowed field; Assignee: is not an allowed field');
    const nested = expectProblem(
      await call(t, o.agent, 'POST', '/api/v1/cases', { subject: 'x', teamId: o.teamA, customer: { nmae: 'Al' } }),
      400,
      'validation_failed',
    );
    expect(nested.fields).toEqual([{ field: 'customer.nmae', message: 'is not an allowed field' }]);
    const q = expectProblem(await call(t, o.agent, 'GET', '/api/v1/cases?stauts=new'), 400, 'validation_failed');
    expect(q.fields).toEqual([{ field: 'querystring.stauts', message: 'is not an allowed field' }]);
    await unchangedAndServing();
  });

  it('wrong types name the field and what it must be', async () => {
    before = await fingerprint(t.db);
    const p = expectProblem(
      await call(t, o.agent, 'POST', '/api/v1/cases', { subject: ['x'], teamId: o.teamA, customer: 'Al', type: 1 }),
      400,
      'validation_failed',
    );
    expect([...p.fields].sort((a: { field: string }, b: { field: string }) => a.field.localeCompare(b.field))).toEqual([
      { field: 'customer', message: 'must be an object or null' },
      { field: 'subject', message: 'must be text' },
      { field: 'type', message: 'must be text' },
    ]);
    const e = expectProblem(
      await call(t, o.agent, 'POST', '/api/v1/cases', { subject: 'x', teamId: o.teamA, type: 'fax' }),
      400,
      'validation_failed',
    );
    expect(e.fields).toEqual([{ field: 'type', message: 'must be one of: web_connect, support_sdk, phone, email, sms, platform' }]);
    const r = expectProblem(
      await call(t, o.supervisor, 'POST', `/api/v1/cases/${caseId}/resolve`, { resolution: true }),
      400,
      'validation_failed',
    );
    expect(r.fields).toEqual([{ field: 'resolution', message: 'must be "completed" or "unresolved" or "canceled"' }]);
    const w = expectProblem(
      await call(t, o.supervisor, 'POST', `/api/v1/cases/${caseId}/wait`, { wakeAt: 'soon' }),
      400,
      'validation_failed',
    );
    expect(w.fields).toEqual([{ field: 'wakeAt', message: 'must be a date and time, like 2026-05-01T09:00:00Z' }]);
    await unchangedAndServing();
  });

  it('an oversized body (> 1 MiB) answers 413', async () => {
    before = await fingerprint(t.db);
    const big = JSON.stringify({ subject: 'x', teamId: o.teamA, description: 'a'.repeat(1024 * 1024 + 10) });
    expectProblem(await raw('POST', '/api/v1/cases', big, json), 413, 'payload_too_large');
    expectProblem(await raw('POST', `/api/v1/cases/${caseId}/messages`, big, json), 413, 'payload_too_large');
    await unchangedAndServing();
  });

  it('unknown and non-uuid ids answer 404 on every case route', async () => {
    before = await fingerprint(t.db);
    for (const id of [UNKNOWN_ID, 'nope', '1', `${UNKNOWN_ID}x`, '%27%20OR%201=1', 'x'.repeat(300)]) {
      expectProblem(await call(t, o.supervisor, 'GET', `/api/v1/cases/${id}`), 404, 'not_found');
      expectProblem(await call(t, o.supervisor, 'POST', `/api/v1/cases/${id}/claim`), 404, 'not_found');
      expectProblem(await call(t, o.supervisor, 'POST', `/api/v1/cases/${id}/assign`, { ownerId: o.agent.id }), 404, 'not_found');
      expectProblem(await call(t, o.supervisor, 'POST', `/api/v1/cases/${id}/messages`, { body: 'x' }), 404, 'not_found');
      expectProblem(await call(t, o.supervisor, 'GET', `/api/v1/cases/${id}/events`), 404, 'not_found');
    }
    expectProblem(await call(t, o.supervisor, 'GET', '/api/v1/me/work/sections/inbox'), 404, 'not_found');
    expectProblem(await call(t, o.supervisor, 'GET', `/api/v1/me/work/sections/${'s'.repeat(100)}`), 404, 'not_found');
    expectProblem(await call(t, o.supervisor, 'DELETE', `/api/v1/cases/${caseId}/collaborators/${'u'.repeat(100)}`), 404, 'not_found');
    expectProblem(await call(t, o.supervisor, 'GET', '/api/v1/no-such-thing'), 404, 'not_found');
    expectProblem(await call(t, o.supervisor, 'GET', '/api/v1/cases/%E0%A4%A'), 400, 'validation_failed');
    await unchangedAndServing();
  });

  it('an expired session cookie answers 401 "session has expired"; a bad token 401; a valid session works', async () => {
    const user = o.agent.id;
    const expired = randomToken('');
    const valid = randomToken('');
    await t.db.kysely
      .insertInto('sessions')
      .values([
        {
          id: sha256(expired),
          user_id: user,
          created_at: new Date('2026-04-01T00:00:00Z'),
          expires_at: new Date('2026-05-04T09:59:59Z'),
          last_seen_at: NOW,
        },
        {
          id: sha256(valid),
          user_id: user,
          created_at: new Date('2026-04-01T00:00:00Z'),
          expires_at: new Date('2026-05-05T00:00:00Z'),
          last_seen_at: NOW,
        },
      ])
      .execute();
    before = await fingerprint(t.db);
    const withCookie = (v: string, method: string, url: string) =>
      t.app
        .inject({ method: method as 'GET', url, headers: { cookie: `${SESSION_COOKIE}=${v}` } })
        .then((r) => Object.assign(r, { data: r.json() }));
    const p = expectProblem(await withCookie(expired, 'GET', '/api/v1/me'), 401, 'unauthenticated');
    expect(p.detail).toMatch(/session has expired/i);
    expectProblem(await withCookie(expired, 'POST', `/api/v1/cases/${caseId}/claim`), 401, 'unauthenticated');
    expectProblem(await withCookie(uuidv7(), 'GET', '/api/v1/me'), 401, 'unauthenticated');
    const badToken = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: 'Bearer cw_nope' } });
    expectProblem(Object.assign(badToken, { data: badToken.json() }), 401, 'unauthenticated');
    const basic = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: 'Basic Zm9vOmJhcg==' } });
    expectProblem(Object.assign(basic, { data: basic.json() }), 401, 'unauthenticated');
    expect((await withCookie(valid, 'GET', '/api/v1/me')).data.id).toBe(user);
    await unchangedAndServing();
  });

  it('illegal transitions and foreign teams are refused without side effects', async () => {
    before = await fingerprint(t.db);
    expectProblem(await call(t, o.supervisor, 'POST', `/api/v1/cases/${caseId}/wake`), 409, 'transition_not_allowed');
    expectProblem(await call(t, o.supervisor, 'POST', `/api/v1/cases/${caseId}/reopen`), 409, 'transition_not_allowed');
    expect(
      expectProblem(await call(t, o.agentB, 'POST', '/api/v1/cases', { subject: 'x', teamId: o.teamA }), 403, 'forbidden').action,
    ).toBe('create');
    expectProblem(await call(t, o.agentB, 'POST', `/api/v1/cases/${caseId}/claim`), 404, 'not_found');
    expect((await call(t, o.agentB, 'GET', `/api/v1/cases?teamId=${o.teamA}`)).data).toMatchObject({ cases: [], total: 0 });
    await unchangedAndServing();
  });
});

describe.each(DB_KINDS)('sign-in attempts are limited per address and email (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { config: { loginRateLimit: 3 } });
  });
  afterAll(() => t.close());

  it('429 with Retry-After after too many attempts for one email; another email still gets its answer', async () => {
    const login = (email: string) => call(t, null, 'POST', '/api/v1/auth/login', { email, password: 'wrong password' });
    for (let i = 0; i < 3; i++) expectProblem(await login('mallory@example.test'), 401, 'unauthenticated');
    const res = await login('mallory@example.test');
    expect(expectProblem(res, 429, 'rate_limited').detail).toMatch(/retry/i);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect((await login('MALLORY@example.test')).statusCode).toBe(429);
    expectProblem(await login('alice@example.test'), 401, 'unauthenticated');
  });
});
