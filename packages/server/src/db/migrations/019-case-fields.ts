/**
 * Custom case fields (SPEC §10). `case_fields` holds the definitions an administrator makes;
 * a case's values live on the case as one jsonb object `{key: value}` (`cases.fields`), so every
 * case read carries them without a join, and `GET /cases?field.<key>=value` is a containment
 * test (`fields @> '{"key": value}'`) answered by a GIN index over the values' paths. The index
 * leaves out cases without values (`fields <> '{}'`), so cases that never had any cost it
 * nothing on write; the list filter states that condition too, which lets the planner use it.
 * Adding the column with a constant default rewrites no rows. Keys, types, options and values
 * are the domain's rules (fields.ts), checked before anything is written, so no SQL repeats them.
 */
export const up = /* sql */ `
  CREATE TABLE case_fields (
    key text PRIMARY KEY,
    label text NOT NULL,
    type text NOT NULL,
    options text[],
    required boolean NOT NULL DEFAULT false,
    team_ids uuid[],
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
  );

  ALTER TABLE cases ADD COLUMN fields jsonb NOT NULL DEFAULT '{}'::jsonb;
  CREATE INDEX cases_fields ON cases USING gin (fields jsonb_path_ops) WHERE fields <> '{}'::jsonb;
`;
