/**
 * Delivery status on every outbound message (SPEC §15): email and SMS replies wait `queued`,
 * then are `sent` (or `delivered`) or `failed`; chat replies are recorded `sent` at once.
 * `state_at` is when the state last changed; a reply on a case without a channel has no channel.
 */
export const up = /* sql */ `
  ALTER TABLE outbound_messages DROP CONSTRAINT outbound_messages_status_check;
  DROP INDEX outbound_messages_due;
  UPDATE outbound_messages SET status = 'queued' WHERE status = 'pending';
  ALTER TABLE outbound_messages ADD CONSTRAINT outbound_messages_status_check CHECK (status IN ('queued','sent','delivered','failed'));
  ALTER TABLE outbound_messages ADD COLUMN state_at timestamptz;
  UPDATE outbound_messages SET state_at = coalesce(sent_at, created_at);
  ALTER TABLE outbound_messages ALTER COLUMN state_at SET NOT NULL;
  ALTER TABLE outbound_messages ALTER COLUMN channel_id DROP NOT NULL;
  CREATE INDEX outbound_messages_due ON outbound_messages (next_attempt_at) WHERE status = 'queued';
  CREATE INDEX outbound_messages_case ON outbound_messages (case_id);
`;
