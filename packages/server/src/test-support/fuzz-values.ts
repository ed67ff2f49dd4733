/**
 * Values for the OpenAPI fuzzer: valid ones generated from a JSON schema (with real ids where a
 * field names one), and the hostile ones a client can send instead. Seeded, so a failure repeats.
 */
export type Rand = () => number;
export type Schema = Record<string, any>;

/** Real ids and keys from the seeded world, by what they name. */
export type Pools = Record<string, string[]>;

/** NUL characters and lone surrogates are in the hostile alphabet (CASEWORK_FUZZ_NUL=0 leaves them out). */
export const FUZZ_NUL = process.env.CASEWORK_FUZZ_NUL !== '0';

export const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

const UNICODE = ['Grüße 👋🏽', 'مرحبا بالعالم', 'e\u0301\u0301\u0301', 'zero\u200bwidth', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', '\u202Egnp.exe', 'ｆｕｌｌ'];
const NUL = ['a\u0000b', '\u0000', 'lone \ud800 high', 'lone \udfff low'];

/** Strings a careless server trips over. */
export function hostileString(r: Rand): string {
  const options = [
    ...UNICODE,
    '',
    ' ',
    '   \n\t',
    "'; DROP TABLE cases; --",
    '<script>alert(1)</script>',
    '../../etc/passwd',
    '%00',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal log-injection probe, not a template
    '${jndi:x}',
    ...(FUZZ_NUL ? NUL : []),
  ];
  return pick(r, options);
}

/** A string well past any declared limit. */
export const hugeString = (r: Rand) => 'x'.repeat(pick(r, [301, 5_000, 70_000])) + pick(r, ['', '😀']);

/** Path ids a client might send: unknown, malformed, oversized, encoded. */
export function oddId(r: Rand): string {
  return pick(r, [
    '01890000-0000-7000-8000-000000000000',
    'not-an-id',
    '0',
    '-1',
    'null',
    'urn:uuid:01890000-0000-7000-8000-000000000000',
    'x'.repeat(65),
    '%E2%9C%93',
    '%ZZ',
    '..%2F..%2Fetc',
    '00000000-0000-0000-0000-000000000000',
    '1e9',
    '%20',
    ...(FUZZ_NUL ? ['%00', 'a%00b', '%ED%A0%80'] : []),
  ]);
}

/** The pool a named field draws real values from, if any. */
function poolFor(name: string | undefined, pools: Pools): string[] | undefined {
  if (!name) return undefined;
  const key = (
    {
      teamId: 'teams',
      teamIds: 'teams',
      ownerId: 'users',
      userId: 'users',
      collaboratorIds: 'users',
      channelId: 'channels',
      caseId: 'cases',
      role: 'roleNames',
      channelKey: 'chatKeys',
      email: 'emails',
      password: 'passwords',
    } as Record<string, string>
  )[name];
  const pool = key ? pools[key] : undefined;
  return pool?.length ? pool : undefined;
}

function validString(s: Schema, r: Rand, name: string | undefined, pools: Pools): string {
  const pool = poolFor(name, pools);
  if (pool) return pick(r, pool);
  if (s.enum) return pick(r, s.enum);
  switch (s.format) {
    case 'email':
      return `fuzz${int(r, 1, 9999)}@example.com`;
    case 'uuid':
      return pick(r, pools.cases ?? ['01890000-0000-7000-8000-000000000000']);
    case 'date-time':
      return new Date(Date.UTC(2026, int(r, 0, 11), int(r, 1, 28), int(r, 0, 23))).toISOString();
    case 'uri':
      return `https://example.com/fuzz/${int(r, 1, 999)}`;
  }
  if (s.pattern === '^https?://' || name === 'url') return `https://example.com/hook/${int(r, 1, 999)}`;
  if (name === 'timeZone') return pick(r, ['Europe/Berlin', 'UTC', 'America/New_York']);
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? 40, min + 40);
  const text = pick(r, ['Printer on fire', 'Refund please', 'Hello there', ...UNICODE]);
  let out = text.slice(0, max);
  while (out.length < Math.max(min, 1) && max > 0) out += 'x';
  return out.slice(0, Math.max(max, min));
}

/** A value the schema accepts (as far as the schema alone can tell). */
export function validValue(s: Schema, r: Rand, pools: Pools, name?: string, depth = 0): unknown {
  if (s.const !== undefined) return s.const;
  if (s.anyOf ?? s.oneOf) {
    const branches = (s.anyOf ?? s.oneOf) as Schema[];
    const nonNull = branches.filter((b) => b.type !== 'null');
    return validValue(r() < 0.85 && nonNull.length ? pick(r, nonNull) : pick(r, branches), r, pools, name, depth);
  }
  if (s.allOf) return Object.assign({}, ...(s.allOf as Schema[]).map((b) => validValue(b, r, pools, name, depth)));
  if (s.enum) return pick(r, s.enum);
  const type = Array.isArray(s.type) ? pick(r, s.type) : s.type;
  switch (type) {
    case 'string':
      return validString(s, r, name, pools);
    case 'integer':
      return int(r, s.minimum ?? 0, Math.min(s.maximum ?? 100, (s.minimum ?? 0) + 100));
    case 'number':
      return (s.minimum ?? 0) + r() * 10;
    case 'boolean':
      return r() < 0.5;
    case 'null':
      return null;
    case 'array': {
      const n = Math.max(s.minItems ?? 0, Math.min(s.maxItems ?? 3, int(r, 0, 3)));
      const items = Array.from({ length: n }, () => validValue(s.items ?? {}, r, pools, name, depth + 1));
      return s.uniqueItems ? [...new Set(items.map((i) => JSON.stringify(i)))].map((i) => JSON.parse(i)) : items;
    }
    case 'object':
    case undefined: {
      if (!s.properties) return {};
      const out: Record<string, unknown> = {};
      for (const [k, sub] of Object.entries<Schema>(s.properties)) {
        if ((s.required ?? []).includes(k) || (depth < 3 && r() < 0.5)) out[k] = validValue(sub, r, pools, k, depth + 1);
      }
      return out;
    }
  }
  return null;
}

/** A value of the wrong kind for the schema. */
function wrongType(s: Schema, r: Rand): unknown {
  const t = Array.isArray(s.type) ? s.type[0] : s.type;
  const choices: unknown[] =
    t === 'string'
      ? [42, true, [], {}, null]
      : t === 'integer' || t === 'number'
        ? ['7', 1.5, -1e20, Number.MAX_SAFE_INTEGER * 10, true, null]
        : t === 'boolean'
          ? ['true', 1, null]
          : t === 'array'
            ? ['a,b', {}, 3, null]
            : ['x', 3, [], null];
  return pick(r, choices);
}

/** One hostile change to a valid body: a field of the wrong type, missing, oversized, odd text, or unknown. */
export function mutateBody(s: Schema, body: unknown, r: Rand): { body?: unknown; raw?: string; contentType?: string } {
  const props = (s.properties ?? {}) as Record<string, Schema>;
  const names = Object.keys(props);
  const obj = (body && typeof body === 'object' && !Array.isArray(body) ? { ...(body as object) } : {}) as Record<string, unknown>;
  const field = names.length ? pick(r, names) : 'field';
  // Sometimes the change goes one level down, into a nested object (a customer, a channel's settings).
  const sub = objectSchema(props[field]);
  const inner = obj[field];
  if (sub && inner && typeof inner === 'object' && !Array.isArray(inner) && r() < 0.4) {
    const m = mutateBody(sub, inner, r);
    if (m.body !== undefined && m.raw === undefined) return { body: { ...obj, [field]: m.body } };
  }
  switch (int(r, 0, 9)) {
    case 0:
      return { body: { ...obj, [field]: wrongType(props[field] ?? {}, r) } };
    case 1: {
      const required = (s.required ?? []) as string[];
      if (required.length) delete obj[pick(r, required)];
      return { body: obj };
    }
    case 2:
      return { body: { ...obj, [field]: hugeString(r) } };
    case 3:
      return { body: { ...obj, [field]: hostileString(r) } };
    case 4:
      return { body: { ...obj, unexpected: 'field', __proto__x: 1 } };
    case 5:
      return { body: pick(r, [[], 'text', 12, null, true]) };
    case 6:
      return { raw: pick(r, ['{"subject":', '{bad json}', '\u0000', '{"__proto__":{"admin":true}}', '[1,2', 'null']) };
    case 7:
      return { raw: 'subject=hi&teamId=1', contentType: pick(r, ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) };
    case 8:
      return { body: { ...obj, [field]: deepNest(40) } };
    default:
      return { body: { ...obj, [field]: pick(r, [-1, 0, 2 ** 31, 1e308, '', ' ', [], {}]) } };
  }
}

/** The object schema a field holds, also when it may be null. */
function objectSchema(s: Schema | undefined): Schema | undefined {
  if (!s) return undefined;
  if (s.properties) return s;
  return ((s.anyOf ?? s.oneOf ?? []) as Schema[]).find((b) => b.properties);
}

const deepNest = (n: number): unknown => (n === 0 ? 'bottom' : { a: deepNest(n - 1) });
