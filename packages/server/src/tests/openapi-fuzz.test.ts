import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestApp, type TestApp } from '../test-support/harness.ts';
import { prng } from '../test-support/case-fixtures.ts';
import { seedFuzzWorld, signWebhook, type FuzzIdentity, type FuzzWorld } from '../test-support/fuzz-world.ts';
import { operationsOf, requestsFor, type FuzzRequest, type Operation } from '../test-support/fuzz-requests.ts';
import { checkAnswer } from '../test-support/fuzz-check.ts';
import type { Schema } from '../test-support/fuzz-values.ts';

/** Fixed, so a failure repeats; change it to explore other requests. */
const SEED = Number(process.env.CASEWORK_FUZZ_SEED ?? 12);
/** A file prefix to write every request and answer to (tab-separated), to see what the fuzzer reaches. */
const TRACE = process.env.CASEWORK_FUZZ_TRACE;
/** Requests per operation and identity (four identities: admin, agent, channel token, anonymous). */
const PER_OPERATION = Number(process.env.CASEWORK_FUZZ_COUNT ?? 10);

type Answer = { status: number; contentType?: string; body: string };

const streams = (o: Operation) => Object.values<Schema>(o.op.responses ?? {}).some((r) => r.content?.['text/event-stream']);

/** A stream never ends: over a real socket, read the status and headers and hang up. */
async function sendStreaming(base: string, req: FuzzRequest, who: FuzzIdentity): Promise<Answer> {
  const abort = new AbortController();
  const res = await fetch(base + req.url, { method: req.method, headers: { ...who.headers, ...req.headers }, signal: abort.signal });
  const contentType = res.headers.get('content-type') ?? undefined;
  const body = contentType?.startsWith('text/event-stream') ? '' : await res.text();
  abort.abort();
  return { status: res.status, contentType, body };
}

async function send(t: TestApp, world: FuzzWorld, req: FuzzRequest, who: FuzzIdentity): Promise<Answer> {
  const signature = req.sign && req.payload !== undefined ? signWebhook(world, req.url, req.payload) : undefined;
  const res = await t.app.inject({
    method: req.method as 'GET',
    url: req.url,
    payload: req.payload,
    headers: {
      ...who.headers,
      ...(req.contentType ? { 'content-type': req.contentType } : {}),
      ...req.headers,
      ...(signature ? { 'x-twilio-signature': signature } : {}),
    },
  });
  return { status: res.statusCode, contentType: res.headers['content-type'] as string | undefined, body: res.body };
}

describe("the fuzzer's checker", () => {
  const op = {
    responses: {
      200: { content: { 'application/json': { schema: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } } } },
      404: { description: 'x' },
    },
  };
  it('accepts a declared status with a body of the declared shape', () => {
    expect(checkAnswer(op, 200, 'application/json; charset=utf-8', '{"id":"a"}')).toBeUndefined();
    expect(checkAnswer(op, 404, 'application/problem+json', '{"anything":1}')).toBeUndefined();
  });
  it('refuses a 5xx, an undeclared status, an undeclared content type and a body of another shape', () => {
    expect(checkAnswer(op, 500, 'application/json', '{}')).toMatch(/answered 500/);
    expect(checkAnswer(op, 429, 'application/problem+json', '{}')).toMatch(/does not declare/);
    expect(checkAnswer(op, 200, 'text/html', '<p>')).toMatch(/declared: application\/json/);
    expect(checkAnswer(op, 200, 'application/json', '{"id":3}')).toMatch(/schema refuses/);
  });
});

describe.each(DB_KINDS)('OpenAPI fuzz (%s)', (kind) => {
  let t: TestApp;
  let world: FuzzWorld;
  let base: string;
  let doc: Schema;

  beforeAll(async () => {
    t = await startTestApp(kind);
    world = await seedFuzzWorld(t);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
  });
  afterAll(async () => t?.close());

  it('declares the statuses seen undeclared before: 404 on provider webhooks, 429 on chat rating, problem+json bodies', () => {
    const responses = (method: string, path: string) => Object.keys(doc.paths[path][method].responses);
    expect(responses('post', '/webhooks/sms/{channelId}')).toEqual(
      expect.arrayContaining(['200', '400', '403', '404', '413', '415', '429']),
    );
    expect(responses('post', '/api/v1/chat/sessions/{id}/rating')).toEqual(expect.arrayContaining(['400', '401', '404', '409', '429']));
    expect(responses('get', '/api/v1/cases/{id}')).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404', '429']));
    expect(doc.paths['/api/v1/cases/{id}'].get.responses['404'].content).toHaveProperty(['application/problem+json']);
  });

  it('every operation, sent valid and hostile requests as admin, agent, channel token and nobody, answers only as documented', async () => {
    const rand = prng(SEED);
    const failures = new Map<string, string>();
    let sent = 0;
    const trace: string[] = [];
    for (const o of operationsOf(doc)) {
      for (const req of requestsFor(o, PER_OPERATION, rand, world.pools)) {
        for (const who of world.identities) {
          const answer = streams(o) ? await sendStreaming(base, req, who) : await send(t, world, req, who);
          sent++;
          trace.push(
            `${who.name}\t${req.kind}\t${o.method} ${o.path}\t${answer.status}\t${answer.body.slice(0, 150).replace(/\s+/g, ' ')}`,
          );
          const wrong = checkAnswer(o.op, answer.status, answer.contentType, answer.body);
          const key = `${o.method} ${o.path} → ${answer.status}`;
          if (wrong && !failures.has(key))
            failures.set(key, `${key} as ${who.name} [${req.kind}] ${req.method} ${req.url.slice(0, 160)}: ${wrong}`);
        }
      }
    }
    if (TRACE) fs.writeFileSync(`${TRACE}.${kind}.tsv`, trace.join('\n'));
    expect(sent).toBeGreaterThan(1000);
    expect([...failures.values()]).toEqual([]);
    // Thousands of requests: on a loaded machine this takes minutes.
  }, 300_000);
});
