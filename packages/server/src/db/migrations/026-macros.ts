/**
 * Macros (SPEC §11): a title and a list of steps (JSON, checked by the domain's `checkMacroSteps`
 * when saved), kept like canned replies: by one user (personal: `owner_id`), for one team
 * (`team_id`) or for everyone (neither). The list reads candidates by owner, by team and the
 * organisation's, each through its own partial index (GET /macros), and the domain decides who
 * uses which. A macro goes with its owner or team.
 */
export const up = /* sql */ `
  CREATE TABLE macros (
    id uuid PRIMARY KEY,
    title text NOT NULL,
    scope text NOT NULL,
    owner_id uuid REFERENCES users(id) ON DELETE CASCADE,
    team_id uuid REFERENCES teams(id) ON DELETE CASCADE,
    steps jsonb NOT NULL,
    created_by uuid REFERENCES users(id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
  );
  CREATE INDEX macros_owner ON macros (owner_id) WHERE owner_id IS NOT NULL;
  CREATE INDEX macros_team ON macros (team_id) WHERE team_id IS NOT NULL;
  CREATE INDEX macros_everyone ON macros (created_at) WHERE owner_id IS NULL AND team_id IS NULL;
`;
