/**
 * Attachments in and out (SPEC §13). Bytes move to `attachment_chunks` (1 MiB rows, written and
 * read one at a time, so a file is streamed through the server and never held whole); every server
 * process reads them from the database. `message_attachments` also holds agents' uploads before
 * they are sent (`message_id` null, visible to `uploader_id` only) and the upload's `state`
 * (`uploading` until its last chunk is written; `not_kept`: a received file over the size cap,
 * listed without bytes). `content_id` is an inline image's Content-ID (an HTML mail's `cid:`).
 * Inbound HTML is kept sanitised on the message (`messages.html`), and agents' email replies keep
 * the HTML they were sent as. `organisation.max_attachment_bytes` is the upload cap (25 MiB).
 * Indexes: `attachment_chunks` by its key (a file's chunks in order); unsent uploads by age (the
 * maintenance job removes abandoned ones).
 */
export const up = /* sql */ `
  CREATE TABLE attachment_chunks (
    attachment_id uuid NOT NULL REFERENCES message_attachments(id) ON DELETE CASCADE,
    seq int NOT NULL,
    data bytea NOT NULL,
    PRIMARY KEY (attachment_id, seq)
  );
  ALTER TABLE message_attachments ALTER COLUMN message_id DROP NOT NULL;
  ALTER TABLE message_attachments ADD COLUMN uploader_id uuid REFERENCES users(id) ON DELETE CASCADE;
  ALTER TABLE message_attachments ADD COLUMN state text NOT NULL DEFAULT 'stored'
    CHECK (state IN ('uploading', 'stored', 'not_kept'));
  ALTER TABLE message_attachments ADD COLUMN content_id text;
  INSERT INTO attachment_chunks (attachment_id, seq, data)
    SELECT id, 0, content FROM message_attachments WHERE content IS NOT NULL;
  UPDATE message_attachments SET state = 'not_kept' WHERE content IS NULL;
  ALTER TABLE message_attachments DROP COLUMN content;
  CREATE INDEX message_attachments_unsent ON message_attachments (created_at) WHERE message_id IS NULL;

  ALTER TABLE messages ADD COLUMN html text;
  ALTER TABLE organisation ADD COLUMN max_attachment_bytes int NOT NULL DEFAULT 26214400;
`;
