import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * The one rule for customer phone numbers (issue 14): a number is stored in E.164 (`+15550102000`)
 * so the same phone written two ways ("+1 (555) 010-2000" on a form, "+15550102000" from an SMS
 * provider) reaches one customer.
 *
 * - An international number libphonenumber-js can read (a possible length for its country) → its E.164 form.
 * - Otherwise, with a leading `+` and only phone punctuation → `+` and its digits, as given.
 * - Otherwise (no country code: "555 010 2000", letters) → null: not an international number.
 */
export function normalisePhone(raw: string): string | null {
  const v = raw.trim();
  if (!v) return null;
  const n = parsePhoneNumberFromString(v);
  if (n?.isPossible()) return n.number;
  if (PUNCTUATED.test(v) && v.startsWith('+')) {
    const digits = v.replace(/\D/g, '');
    return digits ? `+${digits}` : null;
  }
  return null;
}

/**
 * A number a customer writes or calls from: normalised when it can be, else kept as given (trimmed)
 * — a customer's message is never refused or dropped because of its sender number.
 */
export function phoneOrRaw(raw: string | null | undefined): string | null {
  const v = raw?.trim();
  if (!v) return null;
  return normalisePhone(v) ?? v;
}

/** Why a typed number was refused. */
export const PHONE_HINT = 'is not an international phone number: start it with + and the country code (+1 555 010 2000)';

/** Digits, spaces, `+ ( ) . / -`: what a typed phone number is made of. */
const PUNCTUATED = /^[0-9+()./ -]+$/;

/**
 * The digits of a search that looks like (part of) a phone number — at least `min` digits and
 * nothing but phone punctuation — so "555 010 2000" finds +15550102000; null otherwise.
 */
export function phoneSearchDigits(q: string, min = 3): string | null {
  const v = q.trim();
  if (!PUNCTUATED.test(v)) return null;
  const digits = v.replace(/\D/g, '');
  return digits.length >= min ? digits : null;
}
