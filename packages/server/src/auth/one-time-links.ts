import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isUuid, uuidv7 } from '../ids.ts';

/**
 * Single-use links (invitations, password resets): the token is `<row id>.<secret>`. Only the
 * secret's SHA-256 is stored; the row is found by its id and the hash compared in constant time
 * (node:crypto's timingSafeEqual), so neither the database index nor the comparison reveals how
 * much of a guess was right.
 */
export type NewLink = { id: string; token: string; secretHash: string };

const digest = (secret: string) => createHash('sha256').update(secret).digest();

export function newOneTimeLink(now = Date.now()): NewLink {
  return linkFor(uuidv7(now));
}

/** A fresh secret for an existing row (a survey's link is made when its invitation is sent). */
export function linkFor(id: string): NewLink {
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `${id}.${secret}`, secretHash: digest(secret).toString('hex') };
}

/** The row id and secret of a token, or null if it cannot be one of ours. */
export function parseOneTimeToken(token: string): { id: string; secret: string } | null {
  const dot = token.indexOf('.');
  if (dot < 0) return null;
  const id = token.slice(0, dot).toLowerCase();
  const secret = token.slice(dot + 1);
  if (!isUuid(id) || !/^[A-Za-z0-9_-]{43}$/.test(secret)) return null;
  return { id, secret };
}

/** Whether the secret hashes to the stored hash (constant time over the digests). */
export function secretMatches(secret: string, storedHash: string): boolean {
  const stored = Buffer.from(storedHash, 'hex');
  const given = digest(secret);
  return stored.length === given.length && timingSafeEqual(stored, given);
}
