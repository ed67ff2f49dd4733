/** The first schema: organisation, people, cases and their history. Valid on PostgreSQL 15 and 18. */
export const up = /* sql */ `
    CREATE TABLE organisation (
      id int PRIMARY KEY CHECK (id = 1),
      name text NOT NULL,
      time_zone text NOT NULL,
      auto_close_days int NOT NULL DEFAULT 14 CHECK (auto_close_days >= 1),
      max_open_per_user int CHECK (max_open_per_user IS NULL OR max_open_per_user >= 1),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE roles (
      id text PRIMARY KEY,
      name text NOT NULL UNIQUE,
      permissions text[] NOT NULL,
      built_in boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE users (
      id uuid PRIMARY KEY,
      email text NOT NULL,
      name text NOT NULL,
      password_hash text,
      role_id text NOT NULL REFERENCES roles(id),
      time_zone text,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX users_email ON users (lower(email));
    CREATE TABLE teams (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX teams_name ON teams (lower(name));
    CREATE TABLE team_members (
      team_id uuid NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (team_id, user_id)
    );
    CREATE INDEX team_members_user ON team_members (user_id, team_id);
    CREATE TABLE sessions (
      id text PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL
    );
    CREATE INDEX sessions_user ON sessions (user_id);
    CREATE TABLE api_tokens (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      name text NOT NULL,
      token_hash text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    );
    CREATE INDEX api_tokens_user ON api_tokens (user_id);
    CREATE TABLE customers (
      id uuid PRIMARY KEY,
      name text,
      email text,
      phone text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX customers_email ON customers (lower(email)) WHERE email IS NOT NULL;
    CREATE INDEX customers_phone ON customers (phone) WHERE phone IS NOT NULL;
    CREATE TABLE cases (
      id uuid PRIMARY KEY,
      reference text NOT NULL,
      subject text NOT NULL,
      description text,
      type text NOT NULL,
      type_rank smallint NOT NULL,
      status text NOT NULL,
      resolution text,
      team_id uuid NOT NULL REFERENCES teams(id),
      owner_id uuid REFERENCES users(id),
      customer_id uuid REFERENCES customers(id),
      follow_up_of uuid REFERENCES cases(id),
      rating_stars smallint CHECK (rating_stars BETWEEN 1 AND 5),
      rating_note text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      resolved_at timestamptz,
      wake_at timestamptz,
      last_activity_at timestamptz NOT NULL,
      CHECK (status IN ('new','ready','waiting','resolved','closed','canceled')),
      CHECK (type IN ('web_connect','support_sdk','phone','email','sms','platform')),
      CHECK (status <> 'new' OR owner_id IS NULL)
    );
    CREATE UNIQUE INDEX cases_reference ON cases (reference);
    CREATE INDEX cases_queue ON cases (team_id, type_rank, created_at DESC, id DESC)
      WHERE status = 'new' AND owner_id IS NULL;
    CREATE INDEX cases_owner ON cases (owner_id, status, created_at DESC, id DESC) WHERE owner_id IS NOT NULL;
    CREATE INDEX cases_owner_resolved ON cases (owner_id, resolved_at) WHERE status = 'resolved';
    CREATE INDEX cases_team_created ON cases (team_id, created_at DESC, id DESC);
    CREATE INDEX cases_team_updated ON cases (team_id, updated_at DESC, id DESC);
    CREATE INDEX cases_created ON cases (created_at DESC, id DESC);
    CREATE INDEX cases_updated ON cases (updated_at DESC, id DESC);
    CREATE INDEX cases_status_created ON cases (status, created_at DESC, id DESC);
    CREATE INDEX cases_wake ON cases (wake_at) WHERE status = 'waiting' AND wake_at IS NOT NULL;
    CREATE INDEX cases_auto_close ON cases (last_activity_at) WHERE status = 'resolved';
    CREATE INDEX cases_customer ON cases (customer_id) WHERE customer_id IS NOT NULL;
    CREATE TABLE case_collaborators (
      case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (case_id, user_id)
    );
    CREATE INDEX case_collaborators_user ON case_collaborators (user_id, case_id);
    CREATE TABLE messages (
      id uuid PRIMARY KEY,
      case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
      body text NOT NULL,
      internal boolean NOT NULL DEFAULT false,
      direction text NOT NULL CHECK (direction IN ('inbound','outbound','note')),
      channel text NOT NULL,
      author_id uuid REFERENCES users(id),
      created_at timestamptz NOT NULL
    );
    CREATE INDEX messages_case ON messages (case_id, created_at, id);
    CREATE TABLE case_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
      type text NOT NULL,
      actor_id uuid REFERENCES users(id),
      data jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL
    );
    CREATE INDEX case_events_case ON case_events (case_id, id);
    CREATE TABLE user_preferences (
      user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
      collapsed_sections text[] NOT NULL DEFAULT '{}',
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE idempotency_keys (
      scope text NOT NULL,
      key text NOT NULL,
      status_code int NOT NULL,
      body jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (scope, key)
    );
    -- History is append-only: rows may be added, never changed.
    CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'case_events is append-only';
    END $$;
    CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
      FOR EACH ROW EXECUTE FUNCTION case_events_append_only();
`;
