import { csvRow } from '@casework/domain';

/** Starts a download of CSV text (built from the report's JSON in the browser). */
export function downloadCsv(filename: string, rows: (string | number | null)[][]): void {
  const blob = new Blob([rows.map((row) => csvRow(row)).join('')], { type: 'text/csv;charset=utf-8' });
  saveBlob(filename, blob);
}

/** Saves a blob as a file through a temporary link. */
export function saveBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
