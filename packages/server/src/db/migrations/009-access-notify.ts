/**
 * Every committed change that may alter what a credential resolves to (the user, their role,
 * teams, token, session, a scoped token's channel, the organisation's time zone) is announced on
 * `casework_access`, so every server process drops the identities it cached
 * (auth/identity-cache.ts). Statement-level triggers, limited to the columns that matter: a
 * token's last-use stamp, written once a minute per token, announces nothing.
 */
export const up = /* sql */ `
  CREATE OR REPLACE FUNCTION casework_access_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
  BEGIN
    PERFORM pg_notify('casework_access', TG_TABLE_NAME);
    RETURN NULL;
  END
  $fn$;

  CREATE TRIGGER users_access AFTER UPDATE OF active, role_id, time_zone, name, email OR DELETE OR TRUNCATE
    ON users FOR EACH STATEMENT EXECUTE FUNCTION casework_access_changed();
  CREATE TRIGGER roles_access AFTER UPDATE OR DELETE OR TRUNCATE
    ON roles FOR EACH STATEMENT EXECUTE FUNCTION casework_access_changed();
  CREATE TRIGGER team_members_access AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON team_members FOR EACH STATEMENT EXECUTE FUNCTION casework_access_changed();
  CREATE TRIGGER api_tokens_access AFTER UPDATE OF revoked_at, user_id, channel_id, token_hash OR DELETE OR TRUNCATE
    ON api_tokens FOR EACH STATEMENT EXECUTE FUNCTION casework_access_changed();
  CREATE TRIGGER sessions_access AFTER UPDATE OR DELETE OR TRUNCATE
    ON sessions FOR EACH STATEMENT EXECUTE FUNCTION casework_access_changed();
  CREATE TRIGGER channels_access AFTER UPDATE OF active, deleted_at, team_id, type OR DELETE OR TRUNCATE
    ON channels FOR EACH STATEMENT EXECUTE FUNCTION casework_access_changed();
  CREATE TRIGGER organisation_access AFTER UPDATE OF time_zone
    ON organisation FOR EACH STATEMENT EXECUTE FUNCTION casework_access_changed();
`;
