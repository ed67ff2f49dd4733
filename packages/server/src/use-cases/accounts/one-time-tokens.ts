import { oneTimeState, type OneTimeFacts } from '@casework/domain';
import { invalid } from '../../errors.ts';
import { parseOneTimeToken, secretMatches } from '../../auth/one-time-links.ts';

const MESSAGES = {
  forged: ['is not valid', 'This link is not valid. Check that you opened the whole link from the mail.'],
  used: ['has already been used', 'This link has already been used. Each link works once.'],
  revoked: ['was withdrawn', 'This link was withdrawn. Ask for a new one.'],
  expired: ['has expired', 'This link has expired. Ask for a new one.'],
} as const;

/** The 400 for a token that cannot be used, naming the field and why. */
export const tokenRefused = (why: keyof typeof MESSAGES) => invalid([{ field: 'token', message: MESSAGES[why][0] }], MESSAGES[why][1]);

/**
 * Finds a token's row by its id, checks its secret in constant time and its state by the
 * domain's rule; throws the 400 that says why it cannot be used.
 */
export async function checkToken<R extends OneTimeFacts & { secretHash: string }>(
  token: string,
  find: (id: string) => Promise<R | undefined>,
  now: Date,
): Promise<R & { id: string }> {
  const parsed = parseOneTimeToken(token);
  const row = parsed ? await find(parsed.id) : undefined;
  if (!parsed || !row || !secretMatches(parsed.secret, row.secretHash)) throw tokenRefused('forged');
  const state = oneTimeState(row, now);
  if (state !== 'valid') throw tokenRefused(state);
  return { ...row, id: parsed.id };
}
