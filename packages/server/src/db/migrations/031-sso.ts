/**
 * Single sign-on with OpenID Connect (SPEC §14). `sso_settings` is the organisation's one provider
 * (one row, off until an administrator turns it on); its client secret is stored encrypted like
 * channel secrets (db/secrets.ts). `sso_sign_ins` holds a sign-in between leaving for the provider
 * and coming back: the state, nonce and PKCE verifier, found by the SHA-256 of the browser's cookie
 * and deleted when used, so a callback works once. Looked up by id only: no other index.
 */
export const up = /* sql */ `
  CREATE TABLE sso_settings (
    id int PRIMARY KEY CHECK (id = 1),
    enabled boolean NOT NULL DEFAULT false,
    issuer text,
    client_id text,
    client_secret text,
    scopes text NOT NULL DEFAULT 'openid email profile',
    button_label text NOT NULL DEFAULT 'single sign-on',
    create_users boolean NOT NULL DEFAULT false,
    default_role text NOT NULL DEFAULT 'agent',
    default_team_ids uuid[] NOT NULL DEFAULT '{}',
    password_login text NOT NULL DEFAULT 'everyone' CHECK (password_login IN ('everyone', 'admins')),
    updated_at timestamptz NOT NULL DEFAULT now()
  );
  INSERT INTO sso_settings (id) VALUES (1);

  CREATE TABLE sso_sign_ins (
    id text PRIMARY KEY,
    state text NOT NULL,
    nonce text NOT NULL,
    code_verifier text NOT NULL,
    return_to text NOT NULL,
    invitation_id uuid REFERENCES invitations(id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
  );
`;
