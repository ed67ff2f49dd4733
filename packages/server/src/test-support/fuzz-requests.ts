import {
  hostileString,
  hugeString,
  mutateBody,
  oddId,
  pick,
  validValue,
  FUZZ_NUL,
  type Pools,
  type Rand,
  type Schema,
} from './fuzz-values.ts';

export type Operation = { method: string; path: string; op: Schema };
export type FuzzRequest = {
  kind: string;
  method: string;
  url: string;
  payload?: string;
  contentType?: string;
  headers?: Record<string, string>;
  sign?: boolean;
};

type Param = { name: string; in: string; required?: boolean; schema?: Schema };

/** Every operation of an OpenAPI document, deletions last (so the others still find what they name). */
export function operationsOf(doc: Schema): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries<Schema>(doc.paths ?? {})) {
    for (const [method, op] of Object.entries<Schema>(item)) {
      if (['get', 'post', 'put', 'patch', 'delete'].includes(method)) out.push({ method: method.toUpperCase(), path, op });
    }
  }
  return out.sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
}

const COLLECTIONS: Record<string, string> = {
  cases: 'cases',
  teams: 'teams',
  users: 'users',
  roles: 'roles',
  tokens: 'tokens',
  channels: 'channels',
  webhooks: 'webhooks',
  sessions: 'chats',
};

/** The real values a path parameter can take in the seeded world. */
function pathPool(path: string, name: string, pools: Pools): string[] {
  if (name === 'id') {
    const before = path.split('/{id}')[0]!.split('/').pop()!;
    return pools[COLLECTIONS[before] ?? ''] ?? [];
  }
  if (name === 'userId') return pools.users ?? [];
  if (name === 'messageId') return pools.messages ?? [];
  if (name === 'attachmentId') return pools.attachments ?? [];
  if (name === 'deliveryId') return pools.deliveries ?? [];
  if (name === 'channelId') return pools.providerChannels ?? [];
  if (name === 'key') return (path.includes('/chat/') ? pools.chatKeys : pools.sections) ?? [];
  return [];
}

/** Values a free-text query parameter takes in real use (the schema alone says only "a string"). */
const QUERY_HINTS: Record<string, string[]> = {
  status: ['new', 'ready,waiting', 'resolved'],
  type: ['email', 'platform'],
  ownerId: ['me', 'none'],
  createdFrom: ['2026-01-01'],
  createdTo: ['2026-12-31'],
  q: ['Printer', 'Cleo'],
};

function queryValue(p: Param, r: Rand, pools: Pools): string {
  if (p.name === 'token') return pick(r, pools.chatTokens ?? ['x']);
  if (QUERY_HINTS[p.name]) return pick(r, QUERY_HINTS[p.name]!);
  const v = validValue(p.schema ?? { type: 'string' }, r, pools, p.name);
  return typeof v === 'string' ? v : JSON.stringify(v);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** Percent-encodes any string; a lone surrogate becomes the bytes a careless client sends for it (invalid UTF-8). */
const enc = (s: string) => encodeURIComponent(s.replace(LONE_SURROGATE, '\u{10FFFF}')).replace(/%F4%8F%BF%BF/g, '%ED%A0%80');
const qs = (pairs: [string, string][]) => pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');

function hostileQuery(r: Rand, params: Param[]): string {
  const name = params.length ? pick(r, params).name : 'q';
  return pick(r, [
    `${name}=${enc(hostileString(r))}`,
    `${name}=${enc(hugeString(r).slice(0, 6000))}`,
    `${name}=%ZZ`,
    `${name}=1&${name}=2`,
    `${name}[]=a`,
    `${name}[a]=b`,
    `unknown=1`,
    `limit=-5`,
    `limit=abc`,
    `limit=99999999999999999999`,
    `${name}=`,
    ...(FUZZ_NUL ? [`${name}=%00`, `${name}=a%00b`, `${name}=%ED%A0%80`] : []),
  ]);
}

/** Headers the server reads, with values a client can send but should not. */
function hostileHeaders(r: Rand): Record<string, string> {
  const huge = 'k'.repeat(pick(r, [201, 4000]));
  return pick<Record<string, string>>(r, [
    { 'idempotency-key': pick(r, ['', huge, 'ÿÿ', 'same-key', ' ']) },
    { 'last-event-id': pick(r, ['99999999999999999999', '-1', 'abc', '1']) },
    { 'x-chat-token': pick(r, ['', huge, 'tok']) },
    { authorization: pick(r, ['Bearer', 'Basic dXNlcjpwYXNz', `Bearer ${huge}`, 'Bearer a b']) },
    { cookie: pick(r, ['casework_session=', `casework_session=${huge}`, 'casework_session=%ZZ']) },
    { 'if-none-match': '*' },
    { 'accept-encoding': 'gzip, br' },
    { 'content-type': 'application/json; charset=latin1' },
  ]);
}

function bodySchema(op: Schema): Schema | undefined {
  return op.requestBody?.content?.['application/json']?.schema;
}

/**
 * `count` requests for one operation: some valid from the schemas with real ids, then odd path
 * ids, hostile query strings and mutated bodies (wrong types, missing fields, huge and odd text).
 */
export function requestsFor(o: Operation, count: number, r: Rand, pools: Pools): FuzzRequest[] {
  const params = (o.op.parameters ?? []) as Param[];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const body = bodySchema(o.op);
  const out: FuzzRequest[] = [];
  for (let i = 0; i < count; i++) {
    const kinds = ['valid', 'path', 'body', 'valid', 'query', 'headers', 'body', 'valid', 'path', 'body'];
    let kind = kinds[i % kinds.length]!;
    if (kind === 'path' && !pathParams.length) kind = 'query';
    if (kind === 'body' && !body) kind = 'query';
    const badParam = kind === 'path' ? pick(r, pathParams).name : undefined;
    let url = o.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      if (name === badParam) return oddId(r);
      const pool = pathPool(o.path, name, pools);
      return pool.length ? enc(pick(r, pool)) : oddId(r);
    });
    // A cursor or message id is only ever one the server handed out: left out of valid requests.
    const valid = queryParams
      .filter((p) => p.required || (!['cursor', 'after'].includes(p.name) && r() < 0.5))
      .map((p) => [p.name, queryValue(p, r, pools)] as [string, string]);
    const query = kind === 'query' ? [qs(valid), hostileQuery(r, queryParams)].filter(Boolean).join('&') : qs(valid);
    if (query) url += `?${query}`;
    const req: FuzzRequest = { kind, method: o.method, url, headers: kind === 'headers' ? hostileHeaders(r) : undefined };
    if (body) {
      const value = validValue(body, r, pools);
      if (kind === 'body') {
        const m = mutateBody(body, value, r);
        req.payload = m.raw ?? JSON.stringify(m.body);
        req.contentType = m.contentType ?? 'application/json';
      } else {
        req.payload = JSON.stringify(value);
        req.contentType = 'application/json';
      }
    } else if (o.method !== 'GET' && kind === 'query' && r() < 0.3) {
      // A body the operation does not take.
      req.payload = pick(r, ['{"unexpected":true}', 'x'.repeat(2 * 1024 * 1024)]);
      req.contentType = 'application/json';
    }
    if (o.path.startsWith('/webhooks/')) {
      // Provider webhooks are forms signed by the provider: send a form, signed or not.
      req.payload = `From=%2B15550123&To=%2B15550100&Body=${enc(hostileString(r))}&MessageSid=SM${i}&CallSid=CA${i}`;
      req.contentType = 'application/x-www-form-urlencoded';
      if (r() < 0.3) req.headers = { 'x-twilio-signature': 'bm90IGEgc2lnbmF0dXJl' };
      else req.sign = true;
    }
    out.push(req);
  }
  return out;
}
