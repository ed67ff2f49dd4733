/**
 * Canned replies (SPEC §11): a title and a body with placeholders, kept by one user (personal:
 * `owner_id`), for one team (`team_id`) or for everyone (organisation: neither). Who uses and who
 * changes one is the domain's (canned-replies.ts); the list reads candidates by owner, by team
 * and the organisation's, each through its own partial index, and lets the domain decide.
 * A reply goes with its owner or team.
 */
export const up = /* sql */ `
  CREATE TABLE canned_replies (
    id uuid PRIMARY KEY,
    title text NOT NULL,
    body text NOT NULL,
    scope text NOT NULL,
    owner_id uuid REFERENCES users(id) ON DELETE CASCADE,
    team_id uuid REFERENCES teams(id) ON DELETE CASCADE,
    created_by uuid REFERENCES users(id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
  );
  CREATE INDEX canned_replies_owner ON canned_replies (owner_id) WHERE owner_id IS NOT NULL;
  CREATE INDEX canned_replies_team ON canned_replies (team_id) WHERE team_id IS NOT NULL;
  CREATE INDEX canned_replies_everyone ON canned_replies (created_at) WHERE owner_id IS NULL AND team_id IS NULL;
`;
