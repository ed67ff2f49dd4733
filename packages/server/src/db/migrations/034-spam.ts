/**
 * Spam cases are deleted after the organisation's retention period (SPEC §13; the columns and the
 * `cases_spam` index came with migration 028a). Deleting a case must not be blocked or slowed by
 * the rows that point at it:
 * - `cases.follow_up_of` becomes ON DELETE SET NULL (a follow-up of a deleted spam case stays,
 *   unlinked); index `cases_follow_up_of` serves that lookup on every delete.
 * - index `inbound_messages_case` serves the retention job's removal of the mails (their raw
 *   payload) that made the deleted case.
 */
export const up = /* sql */ `
  ALTER TABLE cases DROP CONSTRAINT cases_follow_up_of_fkey;
  ALTER TABLE cases ADD CONSTRAINT cases_follow_up_of_fkey FOREIGN KEY (follow_up_of) REFERENCES cases(id) ON DELETE SET NULL;
  CREATE INDEX cases_follow_up_of ON cases (follow_up_of) WHERE follow_up_of IS NOT NULL;
  CREATE INDEX inbound_messages_case ON inbound_messages (case_id) WHERE case_id IS NOT NULL;
`;
