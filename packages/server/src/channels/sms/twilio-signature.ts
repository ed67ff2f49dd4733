import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

export type FormParams = Record<string, string | string[] | undefined>;

/**
 * Twilio's request signature: base64 HMAC-SHA1 (auth token) over the full URL followed by every
 * POST parameter's name and value, sorted by name (repeated names: values sorted too).
 */
export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  let data = url;
  for (const key of Object.keys(params).sort()) {
    const v = params[key];
    const values = v === undefined ? [] : Array.isArray(v) ? [...v].sort() : [v];
    for (const value of values) data += key + value;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** The URL the provider signed: CASEWORK_PUBLIC_URL + path when set, else the request as received. */
function signedUrl(req: FastifyRequest, publicUrl: string | null): string {
  if (publicUrl) return `${publicUrl.replace(/\/$/, '')}${req.url}`;
  return `${req.protocol}://${req.host}${req.url}`;
}

/** Checks `X-Twilio-Signature` in constant time; a missing header never passes. */
export function verifyTwilioSignature(req: FastifyRequest, authToken: string, publicUrl: string | null): boolean {
  const given = req.headers['x-twilio-signature'];
  if (typeof given !== 'string' || given.length === 0) return false;
  const expected = twilioSignature(authToken, signedUrl(req, publicUrl), (req.body ?? {}) as FormParams);
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
