/**
 * Saved views (SPEC §10): a name and the Cases list's filters (as GET /cases reads them), kept
 * for their maker, or shared with teams (`shared`, the teams in saved_view_teams; a shared view
 * whose teams were all removed stays shared, seen by its maker and whoever manages views).
 * The navigation reads a user's own views by owner and the shared ones by team: both indexed.
 */
export const up = /* sql */ `
  CREATE TABLE saved_views (
    id uuid PRIMARY KEY,
    owner_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name text NOT NULL,
    filters jsonb NOT NULL,
    shared boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL
  );
  CREATE INDEX saved_views_owner ON saved_views (owner_id, created_at);
  CREATE INDEX saved_views_shared ON saved_views (created_at) WHERE shared;
  CREATE TABLE saved_view_teams (
    view_id uuid NOT NULL REFERENCES saved_views(id) ON DELETE CASCADE,
    team_id uuid NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    PRIMARY KEY (view_id, team_id)
  );
  CREATE INDEX saved_view_teams_team ON saved_view_teams (team_id);
`;
