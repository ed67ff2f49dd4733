/**
 * Loops, bounces, CC and spam on an email channel (SPEC §13).
 * - `blocklist`: senders (`email`) and domains whose mail becomes spam; unique per kind and value.
 * - `bounced_addresses`: addresses a permanent bounce (DSN) reported undeliverable: no automatic
 *   mail goes there (mayAutoMail). Keyed by the lower-case address, which is how it is asked.
 * - `messages`: `automatic` (the domain's AutomaticKind of an inbound mail, null for a person's),
 *   `from_address` (who wrote an inbound mail when it is not the case's customer: a CCed person),
 *   `cc`/`bcc` (a reply's copies; an inbound mail's Cc), `mail_auth` (SPF/DKIM/DMARC verdicts).
 * - `inbound_messages.sender` + index: the per-sender hold counts a sender's recent mail to one
 *   mailbox with an index range scan; `outcome` says what became of a mail that made no message
 *   (held, a bounce, an auto-reply without a case).
 * - `cases.status` may be `spam`, with `spam_at` (when it became spam: the retention counts from
 *   it; index `cases_spam` serves the retention job), `organisation.spam_retention_days` (30) and
 *   `mail_sender_limit` (mails per sender and mailbox per hour before the hold; 0: no hold).
 */
export const up = /* sql */ `
  CREATE TABLE blocklist (
    id uuid PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('email', 'domain')),
    value text NOT NULL,
    created_by uuid REFERENCES users(id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL,
    UNIQUE (kind, value)
  );
  CREATE TABLE bounced_addresses (
    address text PRIMARY KEY,
    reason text,
    message_id uuid REFERENCES messages(id) ON DELETE SET NULL,
    bounced_at timestamptz NOT NULL
  );
  ALTER TABLE messages ADD COLUMN automatic text;
  ALTER TABLE messages ADD COLUMN from_address text;
  ALTER TABLE messages ADD COLUMN cc text[] NOT NULL DEFAULT '{}';
  ALTER TABLE messages ADD COLUMN bcc text[] NOT NULL DEFAULT '{}';
  ALTER TABLE messages ADD COLUMN mail_auth jsonb;
  ALTER TABLE inbound_messages ADD COLUMN sender text;
  ALTER TABLE inbound_messages ADD COLUMN outcome text;
  CREATE INDEX inbound_messages_sender ON inbound_messages (channel_id, sender, received_at) WHERE sender IS NOT NULL;
  ALTER TABLE cases DROP CONSTRAINT cases_status_check;
  ALTER TABLE cases ADD CONSTRAINT cases_status_check CHECK (status IN ('new','ready','waiting','resolved','closed','canceled','spam'));
  ALTER TABLE cases ADD COLUMN spam_at timestamptz;
  CREATE INDEX cases_spam ON cases (spam_at) WHERE status = 'spam';
  ALTER TABLE organisation ADD COLUMN spam_retention_days int NOT NULL DEFAULT 30 CHECK (spam_retention_days >= 1);
  ALTER TABLE organisation ADD COLUMN mail_sender_limit int NOT NULL DEFAULT 30 CHECK (mail_sender_limit >= 0);
`;
