import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

type OrganisationTable = {
  id: ColumnType<number, number, never>;
  name: string;
  time_zone: string;
  auto_close_days: number;
  max_open_per_user: number | null;
  sla_guard: Generated<boolean>;
  /** null: free tags; a list: only these may be added (migration 020). */
  managed_tags: Generated<string[] | null>;
  updated_at: Timestamp;
  /** Who must sign in with a second factor: 'off' | 'admins' | 'everyone' (migration 024). */
  two_factor_required: Generated<string>;
  /** Days a spam case is kept; mails per sender and mailbox per hour before the hold (migration 028a). */
  spam_retention_days: Generated<number>;
  mail_sender_limit: Generated<number>;
  /** Largest file an agent may attach (migration 027). */
  max_attachment_bytes: Generated<number>;
  /** Days audit log entries are kept (migration 033). */
  audit_retention_days: Generated<number>;
};

/** One entry of the audit log, append-only (migration 033). */
type AuditLogTable = {
  id: string;
  at: Timestamp;
  actor_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  target_label: string | null;
  ip: string | null;
  changes: ColumnType<Record<string, { from: unknown; to: unknown }>, string, never>;
  detail: ColumnType<Record<string, unknown> | null, string | null, never>;
};

type RoleTable = {
  id: string;
  name: string;
  permissions: string[];
  built_in: boolean;
  created_at: CreatedAt;
};

type UserTable = {
  id: string;
  email: string;
  name: string;
  password_hash: string | null;
  role_id: string;
  time_zone: string | null;
  active: boolean;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** The TOTP secret (encrypted) once enrolled; the one being set up until confirmed (migration 024). */
  totp_secret: Generated<string | null>;
  totp_pending_secret: Generated<string | null>;
  totp_enabled_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** The last TOTP time step accepted: a code is never accepted twice. */
  totp_last_step: ColumnType<string | null, number | null | undefined, number | null>;
  second_factor_failures: Generated<number>;
  second_factor_failed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
};

type InvitationTable = {
  id: string;
  email: string;
  name: string;
  role_id: string;
  team_ids: string[];
  secret_hash: string;
  invited_by: string | null;
  created_at: Timestamp;
  sent_at: Timestamp;
  expires_at: Timestamp;
  accepted_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  user_id: ColumnType<string | null, string | null | undefined, string | null>;
  revoked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
};

type PasswordResetTable = {
  id: string;
  user_id: string;
  secret_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
};

type RecoveryCodeTable = {
  id: string;
  user_id: string;
  code_hash: string;
  used_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
};

type PendingSignInTable = {
  id: string; // sha-256 of the cookie value
  user_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
};

/** The organisation's OpenID provider: one row, id 1 (migration 031). */
type SsoSettingsTable = {
  id: ColumnType<number, number, never>;
  enabled: boolean;
  issuer: string | null;
  client_id: string | null;
  /** Encrypted (db/secrets.ts). */
  client_secret: string | null;
  scopes: string;
  button_label: string;
  create_users: boolean;
  default_role: string;
  default_team_ids: string[];
  /** 'everyone' | 'admins' */
  password_login: string;
  updated_at: Timestamp;
};

/** A sign-in gone to the provider and not yet back (migration 031). */
type SsoSignInTable = {
  id: string; // sha-256 of the cookie value
  state: string;
  nonce: string;
  code_verifier: string;
  return_to: string;
  invitation_id: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
};

type TeamTable = { id: string; name: string; created_at: CreatedAt };
type TeamMemberTable = { team_id: string; user_id: string; created_at: CreatedAt };

type SessionTable = {
  id: string; // sha-256 of the cookie value
  user_id: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
  last_seen_at: Timestamp;
};

type ApiTokenTable = {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
  channel_id: ColumnType<string | null, string | null | undefined, string | null>;
};

type CustomerTable = {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  /** The customer's id in the helpdesk their history was imported from (migration 017). */
  external_id: Generated<string | null>;
  created_at: CreatedAt;
  merged_into: ColumnType<string | null, string | null | undefined, string | null>;
  merged_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  updated_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
};

/** One full-text document per case, kept by triggers (migration 017); only search reads it. */
type CaseSearchTable = {
  case_id: string;
  team_id: string;
  doc: string;
};

export type CaseTable = {
  id: string;
  reference: string;
  subject: string;
  description: string | null;
  type: string;
  type_rank: number;
  status: string;
  resolution: string | null;
  resolution_reason: Generated<string | null>;
  team_id: string;
  owner_id: string | null;
  customer_id: string | null;
  follow_up_of: string | null;
  rating_stars: number | null;
  rating_note: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  resolved_at: Timestamp | null;
  wake_at: Timestamp | null;
  last_activity_at: Timestamp;
  /** When the first outbound message was written; kept by a trigger on messages (migration 025-first-response). */
  first_response_at: Generated<Date | null>;
  /** Custom field values `{key: value}` (migration 019). */
  fields: ColumnType<Record<string, unknown>, string | undefined, string>;
  /** The priority's rank, low 0 … urgent 3 (migration 020; db/sql-rules.ts). */
  priority: Generated<number>;
  /** Lower-case, sorted (migration 020). */
  tags: Generated<string[]>;
  /** The last public message as cards show it (migration 021; the domain's lastMessageAfter): null before any. */
  last_message_preview: ColumnType<string | null, string | null | undefined, string | null>;
  last_message_from_customer: ColumnType<boolean | null, boolean | null | undefined, boolean | null>;
  last_message_author_id: ColumnType<string | null, string | null | undefined, string | null>;
  last_message_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** When the case became spam (migration 028a); the retention counts from it. */
  spam_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The customer's satisfaction: a survey's answer or the chat rating (migration 030a). */
  satisfaction_stars: ColumnType<number | null, number | null | undefined, number | null>;
  satisfaction_comment: ColumnType<string | null, string | null | undefined, string | null>;
  satisfaction_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The case's SLA clocks, the domain's SlaRecord (migration 032; null: no policy applies), and its slaColumns. */
  sla: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  sla_due_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  sla_soon_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  sla_breach_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  sla_paused_breached: Generated<boolean>;
  sla_paused_soon: Generated<boolean>;
  sla_first_soon_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  sla_first_due_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  sla_first_outcome: ColumnType<string | null, string | null | undefined, string | null>;
  sla_resolution_outcome: ColumnType<string | null, string | null | undefined, string | null>;
  sla_resolution_due_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
};

/** A business-hours calendar (migration 032): the domain's Calendar. */
export type BusinessCalendarTable = {
  id: string;
  name: string;
  time_zone: string;
  hours: ColumnType<unknown[], string, string>;
  holidays: ColumnType<string[], string, string>;
  created_at: Timestamp;
  updated_at: Timestamp;
};

/** An SLA policy (migration 032): the domain's SlaPolicy. */
export type SlaPolicyTable = {
  id: string;
  name: string;
  position: number;
  conditions: ColumnType<Record<string, unknown>, string, string>;
  targets: ColumnType<Record<string, number>, string, string>;
  calendar_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};

/** A custom field definition (migration 019). */
export type CaseFieldTable = {
  key: string;
  label: string;
  type: string;
  options: string[] | null;
  required: boolean;
  team_ids: string[] | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type CollaboratorTable = { case_id: string; user_id: string; created_at: CreatedAt };

export type MessageTable = {
  id: string;
  case_id: string;
  body: string;
  internal: boolean;
  direction: string;
  channel: string;
  author_id: string | null;
  created_at: Timestamp;
  /** Migration 028a: what kind of automatic mail an inbound mail was; who wrote it when not the customer; copies; SPF/DKIM/DMARC. */
  automatic: ColumnType<string | null, string | null | undefined, string | null>;
  from_address: ColumnType<string | null, string | null | undefined, string | null>;
  cc: ColumnType<string[], string[] | undefined, string[]>;
  bcc: ColumnType<string[], string[] | undefined, string[]>;
  mail_auth: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  /** Sanitised HTML: an inbound mail's, or the HTML an email reply was sent as (migration 027). */
  html: ColumnType<string | null, string | null | undefined, string | null>;
};

export type CaseEventTable = {
  id: Generated<string>;
  case_id: string;
  type: string;
  actor_id: string | null;
  data: ColumnType<Record<string, unknown>, string, never>;
  created_at: Timestamp;
};

type PreferenceTable = {
  user_id: string;
  collapsed_sections: string[];
  updated_at: Timestamp;
};

type IdempotencyTable = {
  scope: string;
  key: string;
  status_code: number;
  body: ColumnType<unknown, string, string>;
  created_at: CreatedAt;
  /** Who holds an unfinished reservation (status_code 0), and until when (migration 013). */
  holder: Generated<string>;
  lease_until: ColumnType<Date, Date | undefined, Date>;
};

// Channels (migration 002).
type ChannelTable = {
  id: string;
  type: string;
  name: string;
  team_id: string;
  public_key: string | null;
  address: string | null;
  settings: ColumnType<Record<string, unknown>, string, string>;
  secrets: string | null;
  active: boolean;
  /** Whether resolving a case of this channel sends a satisfaction survey (migration 030a). */
  surveys: ColumnType<boolean, boolean | undefined, boolean>;
  deleted_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};
type ChannelMailFetchTable = {
  channel_id: string;
  folder: string | null;
  uid_validity: string | null;
  /** bigint: pg returns a string, PGlite a number. */
  last_uid: ColumnType<string | number, number | undefined, number>;
  lease_owner: string | null;
  lease_until: Timestamp | null;
  last_success_at: Timestamp | null;
  last_error: string | null;
  last_error_at: Timestamp | null;
  fetched_count: ColumnType<string | number, number | undefined, number>;
  updated_at: Timestamp;
};
type SecretKeyTable = { id: string; key: string; created_at: CreatedAt };
type CaseChannelTable = { case_id: string; channel_id: string; customer_address: string | null; created_at: Timestamp };
type ChannelConversationTable = {
  channel_id: string;
  kind: string;
  external_id: string;
  case_id: string;
  created_at: Timestamp;
  updated_at: Timestamp;
};
type InboundMessageTable = {
  id: string;
  channel_id: string;
  provider_id: string;
  payload: ColumnType<Record<string, unknown>, string, string>;
  received_at: Timestamp;
  processed_at: Timestamp | null;
  case_id: string | null;
  message_id: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
  /** Migration 028a: the sender (per-sender hold) and what became of a mail that made no message. */
  sender: ColumnType<string | null, string | null | undefined, string | null>;
  outcome: ColumnType<string | null, string | null | undefined, string | null>;
};
type BlocklistTable = { id: string; kind: string; value: string; created_by: string | null; created_at: Timestamp };
type BouncedAddressTable = { address: string; reason: string | null; message_id: string | null; bounced_at: Timestamp };
type MessageChannelRefTable = {
  message_id: string;
  case_id: string;
  channel_id: string;
  external_id: string | null;
  refs: string[];
  direction: string;
  created_at: Timestamp;
};
type MessageAttachmentTable = {
  id: string;
  /** null: an agent's upload not yet sent (migration 027). */
  message_id: string | null;
  filename: string | null;
  /** Sniffed from the bytes when kept; as declared otherwise. */
  content_type: string;
  size: number;
  uploader_id: string | null;
  /** 'uploading' | 'stored' | 'not_kept' (over the size cap: listed without bytes). */
  state: Generated<string>;
  /** An inline image's Content-ID (`cid:` in an HTML mail), without angle brackets. */
  content_id: string | null;
  created_at: Timestamp;
  /** Embedded database: where the bytes are, relative to the data folder's `files/` (migration 037); null: in attachment_chunks. */
  file_path: Generated<string | null>;
  /** SHA-256 (hex) of the bytes, for files kept from migration 037 on. */
  sha256: Generated<string | null>;
};
type AttachmentChunkTable = {
  attachment_id: string;
  seq: number;
  data: Uint8Array;
};
type OutboundMessageTable = {
  id: string;
  /** A reply, or (survey_id) a survey invitation: exactly one of them (migration 030a). */
  message_id: string | null;
  survey_id: ColumnType<string | null, string | null | undefined, string | null>;
  case_id: string;
  channel_id: string | null;
  status: string;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
  provider_id: string | null;
  sent_at: Timestamp | null;
  state_at: Timestamp;
  created_at: Timestamp;
};
/** A satisfaction survey of a case (migration 030a): the link's secret only as its SHA-256. */
type SurveyTable = {
  id: string;
  case_id: string;
  channel_id: string | null;
  secret_hash: string | null;
  created_at: Timestamp;
  answered_at: Timestamp | null;
  stars: number | null;
  comment: string | null;
};
type ChatSessionTable = {
  id: string;
  channel_id: string;
  case_id: string;
  customer_id: string | null;
  token_hash: string;
  ended_at: Timestamp | null;
  rated_at: Timestamp | null;
  created_at: Timestamp;
};
type WebhookTable = {
  id: string;
  url: string;
  events: string[];
  secret: string;
  active: boolean;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};
type WebhookDeliveryTable = {
  id: string;
  webhook_id: string;
  event_id: ColumnType<string, string | number, never>;
  event_type: string;
  case_id: string;
  data: ColumnType<Record<string, unknown>, string, string>;
  body: string | null;
  status: string;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  response_status: number | null;
  last_error: string | null;
  delivered_at: Timestamp | null;
  created_at: Timestamp;
};

// Saved views (migration 018).
type SavedViewTable = {
  id: string;
  owner_id: string;
  name: string;
  filters: ColumnType<Record<string, unknown>, string, string>;
  shared: boolean;
  created_at: CreatedAt;
  updated_at: Timestamp;
};
type SavedViewTeamTable = { view_id: string; team_id: string };

// Canned replies (migration 021).
type CannedReplyTable = {
  id: string;
  title: string;
  body: string;
  scope: string;
  owner_id: string | null;
  team_id: string | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};

type MacroTable = {
  id: string;
  title: string;
  scope: string;
  owner_id: string | null;
  team_id: string | null;
  steps: ColumnType<unknown[], string, string>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type Database = {
  organisation: OrganisationTable;
  roles: RoleTable;
  users: UserTable;
  teams: TeamTable;
  team_members: TeamMemberTable;
  sessions: SessionTable;
  invitations: InvitationTable;
  password_resets: PasswordResetTable;
  recovery_codes: RecoveryCodeTable;
  pending_sign_ins: PendingSignInTable;
  sso_settings: SsoSettingsTable;
  sso_sign_ins: SsoSignInTable;
  api_tokens: ApiTokenTable;
  customers: CustomerTable;
  case_search: CaseSearchTable;
  cases: CaseTable;
  case_fields: CaseFieldTable;
  business_calendars: BusinessCalendarTable;
  sla_policies: SlaPolicyTable;
  case_collaborators: CollaboratorTable;
  messages: MessageTable;
  case_events: CaseEventTable;
  user_preferences: PreferenceTable;
  idempotency_keys: IdempotencyTable;
  channels: ChannelTable;
  channel_mail_fetch: ChannelMailFetchTable;
  secret_keys: SecretKeyTable;
  case_channels: CaseChannelTable;
  channel_conversations: ChannelConversationTable;
  inbound_messages: InboundMessageTable;
  message_channel_refs: MessageChannelRefTable;
  message_attachments: MessageAttachmentTable;
  attachment_chunks: AttachmentChunkTable;
  outbound_messages: OutboundMessageTable;
  surveys: SurveyTable;
  report_open_counts: { team_id: string; type: string; n: number };
  chat_sessions: ChatSessionTable;
  webhooks: WebhookTable;
  webhook_deliveries: WebhookDeliveryTable;
  saved_views: SavedViewTable;
  saved_view_teams: SavedViewTeamTable;
  notifications: NotificationTable;
  canned_replies: CannedReplyTable;
  macros: MacroTable;
  notification_settings: NotificationSettingsTable;
  blocklist: BlocklistTable;
  bounced_addresses: BouncedAddressTable;
  audit_log: AuditLogTable;
};

type NotificationTable = {
  id: string;
  user_id: string;
  type: string;
  case_id: string;
  event_id: string;
  actor_id: string | null;
  in_app: boolean;
  desktop: boolean;
  email_status: 'none' | 'pending' | 'digest' | 'sent' | 'skipped';
  email_attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp | null;
  created_at: Timestamp;
  read_at: Timestamp | null;
};

type NotificationSettingsTable = {
  user_id: string;
  settings: ColumnType<Record<string, unknown>, string, string>;
  email_digest: string;
  digest_due_at: Timestamp | null;
  digest_attempts: ColumnType<number, number | undefined, number>;
  updated_at: Timestamp;
};
