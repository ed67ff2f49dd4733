import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, startTestApp, type TestApp } from '../test-support/harness.ts';
import { makeOrg, UNKNOWN_ID, type Org } from '../test-support/case-fixtures.ts';

type Metric = { dur?: number; desc?: string };

/** Parses a Server-Timing header into its metrics by name; fails on anything malformed. */
function parseServerTiming(header: unknown): Map<string, Metric> {
  expect(typeof header).toBe('string');
  const out = new Map<string, Metric>();
  for (const part of String(header).split(',')) {
    const [name, ...params] = part.trim().split(';');
    expect(name).toMatch(/^[a-z][a-z0-9_-]*$/);
    const m: Metric = {};
    for (const p of params) {
      const [k, v] = p.split('=') as [string, string];
      if (k === 'dur') {
        expect(v).toMatch(/^\d+(\.\d+)?$/);
        m.dur = Number(v);
      } else if (k === 'desc') {
        m.desc = v.replace(/^"|"$/g, '');
      }
    }
    out.set(name!, m);
  }
  return out;
}

const statementsOf = (m: Map<string, Metric>) => {
  const desc = m.get('db')?.desc ?? '';
  expect(desc).toMatch(/^\d+ statements$/);
  return Number.parseInt(desc, 10);
};

/** Every metric the header must name, each with a duration. */
function expectShape(header: unknown): Map<string, Metric> {
  const m = parseServerTiming(header);
  for (const name of ['total', 'db', 'commit', 'auth', 'serialise', 'app']) {
    expect(m.get(name)?.dur, name).toBeGreaterThanOrEqual(0);
  }
  expect(m.get('total')!.dur!).toBeGreaterThanOrEqual(m.get('db')!.dur!);
  return m;
}

describe.each(DB_KINDS)('Server-Timing and per-route metrics (%s)', (kind) => {
  let t: TestApp;
  let o: Org;
  beforeAll(async () => {
    t = await startTestApp(kind);
    o = await makeOrg(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a route without the database names every figure and counts no statement', async () => {
    const r = await call(t, null, 'GET', '/healthz');
    expect(r.statusCode).toBe(200);
    expect(statementsOf(expectShape(r.headers['server-timing']))).toBe(0);
  });

  it('a read counts its statements', async () => {
    const r = await call(t, o.agent, 'GET', '/api/v1/cases?limit=5');
    expect(r.statusCode).toBe(200);
    expect(statementsOf(expectShape(r.headers['server-timing']))).toBeGreaterThan(0);
  });

  it('a write with a JSON body counts the statements run after the body was read', async () => {
    const created = await call(t, o.agent, 'POST', '/api/v1/cases', { subject: 'Printer jams', teamId: o.teamA });
    expect(created.statusCode).toBe(201);
    // At least BEGIN, the writes and COMMIT.
    expect(statementsOf(expectShape(created.headers['server-timing']))).toBeGreaterThanOrEqual(3);
    const queued = await call(t, o.agent, 'POST', '/api/v1/cases', { subject: 'Toner low', teamId: o.teamA });
    // Claim It on a queued case: one statement (casework_claim_case) once the actor is known
    expect((await call(t, o.agent2, 'GET', '/api/v1/me')).statusCode).toBe(200);
    const claimed = await call(t, o.agent2, 'POST', `/api/v1/cases/${queued.data.id}/claim`);
    expect(claimed.statusCode).toBe(200);
    expect(statementsOf(expectShape(claimed.headers['server-timing']))).toBe(1);
    // refused: the statement found it claimed, the lifecycle path then answered who has it
    const lost = await call(t, o.agent, 'POST', `/api/v1/cases/${queued.data.id}/claim`);
    expect(lost.statusCode).toBe(409);
    expect(statementsOf(expectShape(lost.headers['server-timing']))).toBeGreaterThanOrEqual(3);
  });

  it('refusals carry it too', async () => {
    const missing = await call(t, o.agent, 'GET', `/api/v1/cases/${UNKNOWN_ID}`);
    expect(missing.statusCode).toBe(404);
    expectShape(missing.headers['server-timing']);
    const anonymous = await call(t, null, 'GET', '/api/v1/me');
    expect(anonymous.statusCode).toBe(401);
    expectShape(anonymous.headers['server-timing']);
  });

  it('the same figures are Prometheus histograms per route', async () => {
    await call(t, o.agent, 'GET', '/api/v1/cases?limit=5');
    const text = (await call(t, null, 'GET', '/metrics')).body;
    const route = 'method="GET",route="/api/v1/cases"';
    for (const name of [
      'casework_http_request_duration_seconds',
      'casework_http_request_db_seconds',
      'casework_http_request_db_statements',
      'casework_http_request_auth_seconds',
      'casework_http_request_serialise_seconds',
    ]) {
      expect(text).toContain(`# TYPE ${name} histogram`);
      const count = new RegExp(`^${name}_count\\{${route}\\} (\\d+)$`, 'm').exec(text);
      expect(Number(count?.[1]), name).toBeGreaterThanOrEqual(1);
    }
    // Statements were counted on that route: not every observation falls in the "0" bucket.
    const zero = new RegExp(`^casework_http_request_db_statements_bucket\\{${route},le="0"\\} (\\d+)$`, 'm').exec(text);
    const all = new RegExp(`^casework_http_request_db_statements_count\\{${route}\\} (\\d+)$`, 'm').exec(text);
    expect(Number(zero?.[1])).toBeLessThan(Number(all?.[1]));
  });
});
