import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, makeTeam, makeUser, type TestUser } from '../test-support/harness.ts';
import { eventually, http as req, startChannelServer, type ChannelServer } from '../test-support/channel-harness.ts';

type Hit = { headers: http.IncomingHttpHeaders; body: string };

/** A local receiver that answers 500 to the first `failures` calls (or always when Infinity). */
function receiver(failures: number): Promise<{ url: string; hits: Hit[]; ok: Hit[]; close(): Promise<void> }> {
  const hits: Hit[] = [];
  const ok: Hit[] = [];
  const server = http.createServer((rq, rs) => {
    let body = '';
    rq.on('data', (c) => {
      body += c;
    });
    rq.on('end', () => {
      const hit = { headers: rq.headers, body };
      hits.push(hit);
      if (hits.length <= failures) {
        rs.writeHead(500).end('nope');
        return;
      }
      ok.push(hit);
      rs.writeHead(204).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
        hits,
        ok,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      }),
    ),
  );
}

describe.each(DB_KINDS)('outbound webhooks (%s)', (kind) => {
  let s: ChannelServer;
  let flaky: Awaited<ReturnType<typeof receiver>>;
  let dead: Awaited<ReturnType<typeof receiver>>;
  let team: string;
  let admin: TestUser;
  let agent: TestUser;
  let hook: any;
  let deadHook: any;
  const SECRET = 'whsec-test-123';

  beforeAll(async () => {
    s = await startChannelServer(kind);
    flaky = await receiver(2);
    dead = await receiver(Infinity);
    team = await makeTeam(s.db, 'Hooks');
    admin = await makeUser(s.db, { role: 'admin', teamIds: [team] });
    agent = await makeUser(s.db, { role: 'agent', teamIds: [team] });
  });
  afterAll(async () => {
    await s.close();
    await flaky.close();
    await dead.close();
  });

  it('is admin-only and validates its input; the secret is never returned', async () => {
    const body = {
      url: flaky.url,
      events: ['case.created', 'case.claimed', 'case.status_changed', 'case.message_created'],
      secret: SECRET,
    };
    expect((await req(s.base, null, 'POST', '/api/v1/webhooks', body)).status).toBe(401);
    expect((await req(s.base, agent, 'POST', '/api/v1/webhooks', body)).status).toBe(403);
    const bad = await req(s.base, admin, 'POST', '/api/v1/webhooks', { ...body, events: ['case.exploded'] });
    expect(bad.status).toBe(400);
    expect(bad.data.code).toBe('validation_failed');
    expect((await req(s.base, admin, 'POST', '/api/v1/webhooks', { ...body, url: 'ftp://x' })).status).toBe(400);
    const r = await req(s.base, admin, 'POST', '/api/v1/webhooks', body);
    expect(r.status).toBe(201);
    expect(r.data).toMatchObject({ url: flaky.url, active: true, hasSecret: true });
    expect(r.text).not.toContain(SECRET);
    hook = r.data;
    const d = await req(s.base, admin, 'POST', '/api/v1/webhooks', { url: dead.url, events: ['case.claimed'], secret: 'another-secret' });
    deadHook = d.data;
    expect((await req(s.base, admin, 'GET', '/api/v1/webhooks')).data.webhooks).toHaveLength(2);
  });

  it('a new case is delivered signed, after retrying non-2xx answers with backoff; the log shows the attempts', async () => {
    const c = await req(s.base, admin, 'POST', '/api/v1/cases', { subject: 'API case', teamId: team });
    expect(c.status).toBe(201);
    const [hit] = await eventually(async () => flaky.ok.length > 0 && flaky.ok, 'the delivered webhook');
    expect(flaky.hits.length).toBe(3);
    expect(new Set(flaky.hits.map((h) => h.body)).size).toBe(1); // retries send the same bytes
    const expected = `sha256=${createHmac('sha256', SECRET).update(hit!.body).digest('hex')}`;
    expect(hit!.headers['x-casework-signature']).toBe(expected);
    const body = JSON.parse(hit!.body);
    expect(body).toMatchObject({
      type: 'case.created',
      data: { caseId: c.data.id, case: { id: c.data.id, reference: c.data.reference, type: 'platform', status: 'new' } },
    });
    expect(typeof body.id).toBe('string');
    expect(new Date(body.createdAt).toISOString()).toBe(body.createdAt);
    const log = await req(s.base, admin, 'GET', `/api/v1/webhooks/${hook.id}/deliveries`);
    expect(log.status).toBe(200);
    expect(log.data.deliveries[0]).toMatchObject({
      id: body.id,
      eventType: 'case.created',
      caseId: c.data.id,
      status: 'delivered',
      attempts: 3,
      responseStatus: 204,
    });
  });

  it('claims, status changes and messages are delivered to subscribers only; a dead receiver ends failed and can be retried', async () => {
    const c = await req(s.base, admin, 'POST', '/api/v1/cases', { subject: 'Another', teamId: team });
    expect((await req(s.base, agent, 'POST', `/api/v1/cases/${c.data.id}/claim`)).status).toBe(200);
    expect((await req(s.base, agent, 'POST', `/api/v1/cases/${c.data.id}/messages`, { body: 'hello', internal: true })).status).toBe(201);
    const types = await eventually(async () => {
      const t = flaky.ok
        .map((h) => JSON.parse(h.body))
        .filter((b) => b.data.caseId === c.data.id)
        .map((b) => b.type)
        .sort();
      return t.length === 4 && t;
    }, 'four deliveries');
    expect(types).toEqual(['case.claimed', 'case.created', 'case.message_created', 'case.status_changed']);
    const failed = await eventually(async () => {
      const l = await req(s.base, admin, 'GET', `/api/v1/webhooks/${deadHook.id}/deliveries?status=failed`);
      return l.data.deliveries.length === 1 && l.data.deliveries[0];
    }, 'the failed delivery');
    expect(failed).toMatchObject({ eventType: 'case.claimed', status: 'failed', attempts: 6, responseStatus: 500, lastError: 'HTTP 500' });
    expect(dead.hits.every((h) => JSON.parse(h.body).type === 'case.claimed')).toBe(true);
    const retry = await req(s.base, admin, 'POST', `/api/v1/webhooks/${deadHook.id}/deliveries/${failed.id}/retry`);
    expect(retry.status).toBe(200);
    expect(retry.data.status).toBe('pending');
    await eventually(async () => dead.hits.length >= 7, 'the manual retry');
  });

  it('deleting a webhook stops it and removes its log', async () => {
    expect((await req(s.base, admin, 'DELETE', `/api/v1/webhooks/${deadHook.id}`)).status).toBe(204);
    expect((await req(s.base, admin, 'GET', `/api/v1/webhooks/${deadHook.id}/deliveries`)).status).toBe(404);
    expect((await req(s.base, admin, 'GET', '/api/v1/webhooks/not-a-uuid')).status).toBe(404);
  });
});
