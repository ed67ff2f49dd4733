import { useRef, useState } from 'react';
import { API_BASE, ApiError } from '../../api/client';
import { Button } from '../../components/button';
import { useToast } from '../../components/toast';
import { saveBlob } from '../../lib/download';

const QUOTE = 0x22;
const LINE_FEED = 0x0a;

/**
 * Counts CSV records as they arrive: line feeds outside quoted cells. `quoted` carries over
 * between chunks (a doubled quote toggles twice, so it leaves the state as it was).
 */
function counter() {
  let quoted = false;
  let lines = 0;
  return {
    add(chunk: Uint8Array) {
      for (const byte of chunk) {
        if (byte === QUOTE) quoted = !quoted;
        else if (byte === LINE_FEED && !quoted) lines++;
      }
    },
    get rows() {
      return Math.max(0, lines - 1); // the header row
    },
  };
}

const filenameOf = (disposition: string | null) => /filename="([^"]+)"/.exec(disposition ?? '')?.[1] ?? 'cases.csv';

/**
 * "Export CSV" of the Cases list with its current filters (GET /cases/export.csv): the download is
 * read as it streams, with a running count of the cases received and a way to stop, then saved.
 */
export function ExportButton({ query }: { query: string }) {
  const [rows, setRows] = useState<number | null>(null);
  const abort = useRef<AbortController | null>(null);
  const toast = useToast();

  async function run() {
    const controller = new AbortController();
    abort.current = controller;
    setRows(0);
    try {
      const response = await fetch(`${API_BASE}/cases/export.csv${query ? `?${query}` : ''}`, {
        credentials: 'same-origin',
        signal: controller.signal,
      });
      if (!response.ok || !response.body) {
        const problem = (await response.json().catch(() => ({}))) as { title?: string; detail?: string; code?: string };
        throw new ApiError({
          status: response.status,
          code: problem.code,
          title: problem.title ?? 'Export failed',
          detail: problem.detail,
        });
      }
      const count = counter();
      const parts: BlobPart[] = [];
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        count.add(value);
        setRows(count.rows);
      }
      saveBlob(filenameOf(response.headers.get('content-disposition')), new Blob(parts, { type: 'text/csv;charset=utf-8' }));
      toast.success(`Exported ${count.rows.toLocaleString('en-US')} ${count.rows === 1 ? 'case' : 'cases'}`);
    } catch (error) {
      if (!(error instanceof DOMException && error.name === 'AbortError')) toast.error(error);
    } finally {
      abort.current = null;
      setRows(null);
    }
  }

  if (rows === null) {
    return (
      <Button size="sm" onClick={() => void run()}>
        Export CSV
      </Button>
    );
  }
  return (
    <span className="export-status">
      <output aria-live="polite">Exporting… {rows.toLocaleString('en-US')} cases</output>
      <Button size="sm" variant="ghost" onClick={() => abort.current?.abort()}>
        Stop
      </Button>
    </span>
  );
}
