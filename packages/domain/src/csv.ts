/**
 * CSV (RFC 4180) cells and rows. A cell is quoted when it holds a comma, quote or line break,
 * quotes doubled. A text cell a spreadsheet would run as a formula (starting with = + - @, or a
 * tab or carriage return that hides one) gets a leading apostrophe, so an exported subject or
 * customer name can never execute in the reader's spreadsheet (OWASP "CSV injection"). The
 * server's exports and the web's downloads of report data both write their cells here; the Cases
 * export has the database write the same cells (the server's db/csv-sql.ts, held to these by a test).
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One CSV record, CRLF-terminated. */
export const csvRow = (cells: readonly (string | number | boolean | null | undefined)[]): string => `${cells.map(csvCell).join(',')}\r\n`;
