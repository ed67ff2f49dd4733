/** PostgreSQL SQLSTATE codes the app maps to answers (both pg and PGlite expose `code`). */
const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

const codeOf = (err: unknown): unknown => (err && typeof err === 'object' ? (err as { code?: unknown }).code : undefined);

/** A unique index refused the write (duplicate email, team name…): the caller answers 409. */
export function isUniqueViolation(err: unknown): boolean {
  return codeOf(err) === UNIQUE_VIOLATION;
}

/** A row is still referenced (a team with channels, a role with users): the caller answers 409. */
export function isForeignKeyViolation(err: unknown): boolean {
  return codeOf(err) === FOREIGN_KEY_VIOLATION;
}
