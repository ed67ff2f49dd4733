/**
 * How this process wakes its reply and webhook senders, and the mail relay replies leave
 * through: the channel runtime fills them in while it runs (a member of Deps: `deps.outbound`).
 * Without a running runtime nothing is woken (the next poll of any process sends) and the
 * environment's relay applies.
 */
export class OutboundSenders {
  kickReplies: () => void = () => {};
  kickWebhooks: () => void = () => {};
  /** Looks for email channels whose IMAP settings changed (reconnects them) now rather than at the next scan. */
  kickMailFetch: () => void = () => {};
  /** Wakes the notification mail sender (single mails and digests). */
  kickNotifications: () => void = () => {};
  /** The running runtime's relay (null: none); undefined while no runtime runs. */
  smtpRelay: string | null | undefined = undefined;
}
