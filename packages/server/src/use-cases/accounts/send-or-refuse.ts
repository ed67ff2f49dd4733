import type { Deps } from '../../deps.ts';
import { Problem } from '../../errors.ts';
import { MailUnavailable, sendAccountMail, type AccountMail } from '../../channels/email/send-account-mail.ts';

/** Sends an account mail someone waits for; a missing relay is 503, a refusing or unreachable one 502. */
export async function sendOrRefuse(deps: Deps, mail: AccountMail): Promise<void> {
  try {
    await sendAccountMail(deps, mail);
  } catch (err) {
    if (err instanceof MailUnavailable) throw new Problem(503, 'mail_unavailable', 'Mail cannot be sent', err.message);
    deps.log.warn({ err: (err as Error).message }, 'account mail not sent');
    throw new Problem(502, 'mail_failed', 'The mail was not sent', `The mail relay did not take the mail: ${(err as Error).message}`);
  }
}
