/**
 * Notifications (SPEC §11): one row per user told about one change of a case, written in the
 * transaction of the case event that caused it (`event_id`), with the media it goes out by.
 * - The bell lists a user's rows newest first by id (UUIDv7: time-ordered): `notifications_inbox`
 *   reads one page of 50 from 10,000 without a sort; `notifications_unread` counts the unread.
 * - Email: `pending` rows are sent one mail each by the notification worker (claimed with SKIP
 *   LOCKED and a lease, like replies); `digest` rows wait for the user's digest, due at
 *   `notification_settings.digest_due_at`; then `sent`, or `skipped` (no relay, or the user may
 *   no longer see the case).
 * Settings hold only what a user chose over the defaults (the domain's), so a change of a default
 * reaches everyone who never chose.
 */
export const up = /* sql */ `
  CREATE TABLE notifications (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    type text NOT NULL,
    case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    event_id bigint NOT NULL,
    actor_id uuid,
    in_app boolean NOT NULL,
    desktop boolean NOT NULL,
    email_status text NOT NULL CHECK (email_status IN ('none', 'pending', 'digest', 'sent', 'skipped')),
    email_attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    created_at timestamptz NOT NULL,
    read_at timestamptz
  );
  CREATE INDEX notifications_inbox ON notifications (user_id, id DESC) WHERE in_app;
  CREATE INDEX notifications_unread ON notifications (user_id, id) WHERE in_app AND read_at IS NULL;
  CREATE INDEX notifications_mail_due ON notifications (next_attempt_at) WHERE email_status = 'pending';
  CREATE INDEX notifications_digest ON notifications (user_id, id) WHERE email_status = 'digest';
  CREATE INDEX notifications_case ON notifications (case_id);
  CREATE TABLE notification_settings (
    user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    settings jsonb NOT NULL DEFAULT '{}',
    email_digest text NOT NULL DEFAULT 'off',
    digest_due_at timestamptz,
    digest_attempts integer NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL
  );
  CREATE INDEX notification_settings_digest_due ON notification_settings (digest_due_at) WHERE digest_due_at IS NOT NULL;
`;
