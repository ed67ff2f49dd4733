/**
 * Attachment bytes as files beside the embedded database (SPEC §13). On the embedded database a
 * kept file's bytes are a file in the data folder's `files/` (written whole and flushed to disk
 * before its row commits); its row holds `file_path` (relative to that folder) and `sha256`. On
 * PostgreSQL `file_path` stays null and the bytes stay in `attachment_chunks`, stored out of line
 * without a compression attempt (`STORAGE EXTERNAL`): files sent as attachments (images, PDFs,
 * archives) are mostly compressed already.
 */
export const up = /* sql */ `
  ALTER TABLE message_attachments ADD COLUMN file_path text;
  ALTER TABLE message_attachments ADD COLUMN sha256 text;
  ALTER TABLE attachment_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
`;
