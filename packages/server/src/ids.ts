import { createHash, randomBytes } from 'node:crypto';

let lastMs = 0;
let seq = 0;

/** A UUIDv7: time-ordered, so new rows land at the end of indexes. */
export function uuidv7(now = Date.now()): string {
  if (now === lastMs) seq = (seq + 1) & 0xfff;
  else {
    lastMs = now;
    seq = randomBytes(2).readUInt16BE() & 0x7ff;
  }
  const b = randomBytes(16);
  b.writeUIntBE(now, 0, 6);
  b[6] = 0x70 | (seq >> 8);
  b[7] = seq & 0xff;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** UUIDv7s for many times at once (one random draw instead of one per id), in order; as uuidv7 makes them. */
export function uuidv7Many(times: readonly number[]): string[] {
  const n = times.length;
  const b = randomBytes(16 * n);
  for (let i = 0, o = 0; i < n; i++, o += 16) {
    const now = times[i]!;
    if (now === lastMs) seq = (seq + 1) & 0xfff;
    else {
      lastMs = now;
      seq = ((b[o + 6]! << 8) | b[o + 7]!) & 0x7ff;
    }
    b.writeUIntBE(now, o, 6);
    b[o + 6] = 0x70 | (seq >> 8);
    b[o + 7] = seq & 0xff;
    b[o + 8] = (b[o + 8]! & 0x3f) | 0x80;
  }
  const h = b.toString('hex');
  const out = new Array<string>(n);
  for (let i = 0, p = 0; i < n; i++, p += 32) {
    out[i] =
      `${h.slice(p, p + 8)}-${h.slice(p + 8, p + 12)}-${h.slice(p + 12, p + 16)}-${h.slice(p + 16, p + 20)}-${h.slice(p + 20, p + 32)}`;
  }
  return out;
}

const REF_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A short code customers can read out (no 0/O, 1/I): 6 characters, ~1e9 combinations. */
export function newReference(): string {
  const b = randomBytes(6);
  let s = '';
  for (const x of b) s += REF_ALPHABET[x & 31];
  return s;
}

/** `n` references as newReference makes them, from one random draw. */
export function newReferences(n: number): string[] {
  const b = randomBytes(6 * n);
  const a = REF_ALPHABET;
  const out = new Array<string>(n);
  for (let i = 0, o = 0; i < n; i++, o += 6) {
    out[i] = a[b[o]! & 31]! + a[b[o + 1]! & 31]! + a[b[o + 2]! & 31]! + a[b[o + 3]! & 31]! + a[b[o + 4]! & 31]! + a[b[o + 5]! & 31]!;
  }
  return out;
}

export function randomToken(prefix: string, bytes = 32): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}

export function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(s: unknown): s is string {
  return typeof s === 'string' && UUID_RE.test(s);
}
