/** API tokens may be scoped to one channel: they act only for that channel's team and type. */
export const up = /* sql */ `
  ALTER TABLE api_tokens ADD COLUMN channel_id uuid REFERENCES channels(id) ON DELETE CASCADE;
  CREATE INDEX api_tokens_channel ON api_tokens (channel_id) WHERE channel_id IS NOT NULL;
`;
