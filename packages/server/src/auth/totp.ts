import { randomBytes, createHash, timingSafeEqual } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';

/**
 * TOTP (RFC 6238: 30 s steps, 6 digits, SHA-1, what every authenticator app reads) through otplib,
 * and the recovery codes. One step either side is accepted for clock drift, and never a step at or
 * before the last one accepted, so a code cannot be replayed.
 */
export const newTotpSecret = (): string => generateSecret();

export function otpauthUrl(secret: string, account: string, issuer: string): string {
  return generateURI({ issuer, label: account, secret });
}

/** The QR code of an otpauth URL as an SVG data URL (cheaper to make than a PNG; the CSP allows data: images). */
export async function qrCodeDataUrl(url: string): Promise<string> {
  const svg = await QRCode.toString(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

/** The time step the code belongs to if it is right for now (±1 step) and later than `afterStep`; else null. */
export async function checkTotp(secret: string, code: string, now: Date, afterStep: number | null): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(now.getTime() / 1000),
    epochTolerance: 30,
    ...(afterStep !== null ? { afterTimeStep: afterStep } : {}),
  }).catch(() => ({ valid: false as const }));
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten-character recovery codes shown as `xxxxx-xxxxx` (about 49 bits each). */
export function newRecoveryCodes(n: number): string[] {
  return Array.from({ length: n }, () => {
    const b = randomBytes(10);
    const s = [...b].map((x) => ALPHABET[x % ALPHABET.length]).join('');
    return `${s.slice(0, 5)}-${s.slice(5)}`;
  });
}

/** A recovery code as typed (any case, spaces or dashes) in its canonical form, or null. */
export function canonicalRecoveryCode(typed: string): string | null {
  const s = typed.toLowerCase().replace(/[\s-]/g, '');
  return /^[a-z0-9]{10}$/.test(s) ? `${s.slice(0, 5)}-${s.slice(5)}` : null;
}

export const hashRecoveryCode = (code: string) => createHash('sha256').update(code).digest('hex');

/** Whether a code's hash equals a stored hash (constant time). */
export function recoveryCodeMatches(code: string, storedHash: string): boolean {
  const a = Buffer.from(hashRecoveryCode(code), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
