/**
 * Characters no stored text may hold: NUL (PostgreSQL text and jsonb refuse it) and lone UTF-16
 * surrogates (what invalid UTF-8 becomes; they cannot be encoded back). The API refuses them
 * (http/text-guard.ts); inbound channels strip them, so the customer's message is kept.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching NUL is the point of this pattern
const BAD_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const HAS_BAD_TEXT = new RegExp(BAD_TEXT.source);

/** Whether a string holds a NUL character or a lone surrogate. */
export function hasBadText(s: string): boolean {
  return HAS_BAD_TEXT.test(s);
}

/** The string without NUL characters and lone surrogates. */
export function cleanText(s: string): string {
  return hasBadText(s) ? s.replace(BAD_TEXT, '') : s;
}

/** A copy of a JSON-like value with every string (and object key) cleaned; other values as they are. */
export function cleanDeep<T>(value: T): T {
  if (typeof value === 'string') return cleanText(value) as T;
  if (Array.isArray(value)) return value.map((v) => cleanDeep(v)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [cleanText(k), cleanDeep(v)])) as T;
  }
  return value;
}
