/**
 * The custom field definitions join what `casework_access` announces (migration 009): each server
 * process keeps them beside its cached identities (db/repos/case-fields.ts, fieldDefinitions) and
 * drops them when any process commits a change.
 */
export const up = /* sql */ `
  CREATE TRIGGER case_fields_access AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON case_fields FOR EACH STATEMENT EXECUTE FUNCTION casework_access_changed();
`;
