/**
 * IMAP fetch per email channel (SPEC §13). One row per channel that fetches from a mailbox:
 * which folder and UIDVALIDITY the high-water mark `last_uid` belongs to (a new folder or a
 * changed UIDVALIDITY starts over, deduplicated by Message-ID), the lease that lets exactly one
 * server process hold the mailbox connection at a time (`lease_owner` until `lease_until`, taken
 * over only after it lapses), and what the channel's admin page shows: the last successful
 * check and the last error.
 */
export const up = /* sql */ `
  CREATE TABLE channel_mail_fetch (
    channel_id uuid PRIMARY KEY REFERENCES channels(id) ON DELETE CASCADE,
    folder text,
    uid_validity text,
    last_uid bigint NOT NULL DEFAULT 0,
    lease_owner text,
    lease_until timestamptz,
    last_success_at timestamptz,
    last_error text,
    last_error_at timestamptz,
    fetched_count bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL
  );
`;
