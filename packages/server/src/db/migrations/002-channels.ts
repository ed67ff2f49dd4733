/**
 * Channels (how cases arrive and how replies leave): channel configuration, conversation
 * mapping, store-first inbound log, outbound reply queue, chat sessions, attachments and
 * outbound webhooks with their delivery queue. Valid on PostgreSQL 15 and 18.
 */
export const up = /* sql */ `
    CREATE TABLE channels (
      id uuid PRIMARY KEY,
      type text NOT NULL CHECK (type IN ('web_connect','support_sdk','phone','email','sms','platform')),
      name text NOT NULL,
      team_id uuid NOT NULL REFERENCES teams(id),
      public_key text UNIQUE,
      address text,
      settings jsonb NOT NULL DEFAULT '{}',
      secrets text,
      active boolean NOT NULL DEFAULT true,
      deleted_at timestamptz,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    );
    CREATE UNIQUE INDEX channels_address ON channels (lower(address)) WHERE address IS NOT NULL AND deleted_at IS NULL;
    CREATE INDEX channels_team ON channels (team_id);

    -- Encryption key for channel secrets when CASEWORK_SECRET_KEY is not set.
    CREATE TABLE secret_keys (
      id text PRIMARY KEY,
      key text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    -- Which channel a case talks through, and where replies go.
    CREATE TABLE case_channels (
      case_id uuid PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
      channel_id uuid NOT NULL REFERENCES channels(id),
      customer_address text,
      created_at timestamptz NOT NULL
    );
    CREATE INDEX case_channels_channel ON case_channels (channel_id);

    -- External conversation ids (email Message-IDs, SMS/voice senders, CallSids, chat sessions) → case.
    CREATE TABLE channel_conversations (
      channel_id uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
      kind text NOT NULL,
      external_id text NOT NULL,
      case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (channel_id, kind, external_id)
    );
    CREATE INDEX channel_conversations_case ON channel_conversations (case_id);

    -- Store first, then process: every accepted provider delivery, once per provider id.
    CREATE TABLE inbound_messages (
      id uuid PRIMARY KEY,
      channel_id uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
      provider_id text NOT NULL,
      payload jsonb NOT NULL,
      received_at timestamptz NOT NULL,
      processed_at timestamptz,
      case_id uuid REFERENCES cases(id) ON DELETE SET NULL,
      message_id uuid,
      attempts int NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL,
      last_error text,
      UNIQUE (channel_id, provider_id)
    );
    CREATE INDEX inbound_messages_pending ON inbound_messages (next_attempt_at) WHERE processed_at IS NULL;

    -- Per-message channel metadata (email Message-ID and References, provider ids).
    CREATE TABLE message_channel_refs (
      message_id uuid PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
      case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
      channel_id uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
      external_id text,
      refs text[] NOT NULL DEFAULT '{}',
      direction text NOT NULL,
      created_at timestamptz NOT NULL
    );
    CREATE INDEX message_channel_refs_case ON message_channel_refs (case_id, created_at);

    CREATE TABLE message_attachments (
      id uuid PRIMARY KEY,
      message_id uuid NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
      filename text,
      content_type text NOT NULL,
      size int NOT NULL,
      content bytea,
      created_at timestamptz NOT NULL
    );
    CREATE INDEX message_attachments_message ON message_attachments (message_id);

    -- Agents' replies waiting to leave through the case's channel (retried, never lost).
    CREATE TABLE outbound_messages (
      id uuid PRIMARY KEY,
      message_id uuid NOT NULL UNIQUE REFERENCES messages(id) ON DELETE CASCADE,
      case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
      channel_id uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
      status text NOT NULL CHECK (status IN ('pending','sent','failed')),
      attempts int NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL,
      last_error text,
      provider_id text,
      sent_at timestamptz,
      created_at timestamptz NOT NULL
    );
    CREATE INDEX outbound_messages_due ON outbound_messages (next_attempt_at) WHERE status = 'pending';

    CREATE TABLE chat_sessions (
      id uuid PRIMARY KEY,
      channel_id uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
      case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
      customer_id uuid REFERENCES customers(id),
      token_hash text NOT NULL UNIQUE,
      ended_at timestamptz,
      rated_at timestamptz,
      created_at timestamptz NOT NULL
    );
    CREATE INDEX chat_sessions_case ON chat_sessions (case_id);

    CREATE TABLE webhooks (
      id uuid PRIMARY KEY,
      url text NOT NULL,
      events text[] NOT NULL,
      secret text NOT NULL,
      active boolean NOT NULL DEFAULT true,
      created_by uuid REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    );

    CREATE TABLE webhook_deliveries (
      id uuid PRIMARY KEY,
      webhook_id uuid NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
      event_id bigint NOT NULL,
      event_type text NOT NULL,
      case_id uuid NOT NULL,
      data jsonb NOT NULL,
      body text,
      status text NOT NULL CHECK (status IN ('pending','delivered','failed')),
      attempts int NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL,
      response_status int,
      last_error text,
      delivered_at timestamptz,
      created_at timestamptz NOT NULL
    );
    CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
    CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, created_at DESC, id DESC);
`;
