/**
 * Satisfaction surveys (SPEC §12). Resolving a case (not canceling it) queues one survey
 * invitation per case through the outbound delivery path: `outbound_messages` now carries either
 * a reply (`message_id`) or a survey (`survey_id`). A survey's link is `<survey id>.<secret>`; only
 * the secret's SHA-256 is kept (`secret_hash`, written when the invitation is sent), and the answer
 * is taken once (`answered_at`). The case keeps its satisfaction (`satisfaction_*`: the survey's
 * answer, or the chat rating, which existing ratings are copied from). Channels switch surveys
 * off with `surveys`.
 */
export const up = /* sql */ `
  ALTER TABLE channels ADD COLUMN surveys boolean NOT NULL DEFAULT true;
  CREATE TABLE surveys (
    id uuid PRIMARY KEY,
    case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    channel_id uuid REFERENCES channels(id) ON DELETE SET NULL,
    secret_hash text,
    created_at timestamptz NOT NULL,
    answered_at timestamptz,
    stars int CHECK (stars BETWEEN 1 AND 5),
    comment text
  );
  CREATE UNIQUE INDEX surveys_case ON surveys (case_id);
  ALTER TABLE outbound_messages ALTER COLUMN message_id DROP NOT NULL;
  ALTER TABLE outbound_messages ADD COLUMN survey_id uuid UNIQUE REFERENCES surveys(id) ON DELETE CASCADE;
  ALTER TABLE outbound_messages ADD CONSTRAINT outbound_messages_one_kind CHECK ((message_id IS NULL) <> (survey_id IS NULL));
  ALTER TABLE cases ADD COLUMN satisfaction_stars int, ADD COLUMN satisfaction_comment text, ADD COLUMN satisfaction_at timestamptz;
  UPDATE cases SET satisfaction_stars = rating_stars, satisfaction_comment = rating_note,
    satisfaction_at = coalesce(resolved_at, updated_at)
  WHERE rating_stars IS NOT NULL;
`;
