/**
 * Accounts (SPEC §14): invitations, password resets, the second factor and the sign-ins waiting
 * for it. Every single-use secret is stored only as a SHA-256 hash (the row's id travels with
 * the secret, so a link is found by id and its hash compared in constant time). The TOTP secret
 * is encrypted like channel secrets (db/secrets.ts). Whether a user has a second factor and the
 * organisation's policy decide what a session may do, so the access triggers of 009 now also
 * announce those columns (cached identities are dropped at once).
 */
export const up = /* sql */ `
  CREATE TABLE invitations (
    id uuid PRIMARY KEY,
    email text NOT NULL,
    name text NOT NULL,
    role_id text NOT NULL,
    team_ids uuid[] NOT NULL DEFAULT '{}',
    secret_hash text NOT NULL,
    invited_by uuid REFERENCES users(id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL,
    sent_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    accepted_at timestamptz,
    user_id uuid REFERENCES users(id) ON DELETE SET NULL,
    revoked_at timestamptz
  );
  -- One open invitation per address: inviting again replaces the earlier one.
  CREATE UNIQUE INDEX invitations_open_email ON invitations (lower(email)) WHERE accepted_at IS NULL AND revoked_at IS NULL;

  CREATE TABLE password_resets (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    secret_hash text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz
  );
  CREATE INDEX password_resets_user ON password_resets (user_id);

  ALTER TABLE users
    ADD COLUMN totp_secret text,
    ADD COLUMN totp_pending_secret text,
    ADD COLUMN totp_enabled_at timestamptz,
    ADD COLUMN totp_last_step bigint,
    ADD COLUMN second_factor_failures int NOT NULL DEFAULT 0,
    ADD COLUMN second_factor_failed_at timestamptz;

  CREATE TABLE recovery_codes (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash text NOT NULL,
    used_at timestamptz
  );
  CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

  CREATE TABLE pending_sign_ins (
    id text PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
  );
  CREATE INDEX pending_sign_ins_user ON pending_sign_ins (user_id);

  ALTER TABLE organisation ADD COLUMN two_factor_required text NOT NULL DEFAULT 'off'
    CHECK (two_factor_required IN ('off', 'admins', 'everyone'));

  DROP TRIGGER users_access ON users;
  CREATE TRIGGER users_access AFTER UPDATE OF active, role_id, time_zone, name, email, totp_enabled_at OR DELETE OR TRUNCATE
    ON users FOR EACH STATEMENT EXECUTE FUNCTION casework_access_changed();
  DROP TRIGGER organisation_access ON organisation;
  CREATE TRIGGER organisation_access AFTER UPDATE OF time_zone, two_factor_required
    ON organisation FOR EACH STATEMENT EXECUTE FUNCTION casework_access_changed();
`;
