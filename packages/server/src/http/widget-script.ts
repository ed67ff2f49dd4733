import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Problem } from '../errors.ts';

export type WidgetScript = { js: Buffer; gzip: Buffer; etag: string };

/** Where `npm run build` puts the widget (packages/widget, built by esbuild). */
export const BUILT_WIDGET = path.resolve(import.meta.dirname, '../../../widget/dist/widget.js');

let cached: { file: string; mtimeMs: number; script: WidgetScript } | null = null;

/**
 * The built widget script with its gzip form (served compressed to browsers that accept it),
 * read once and again only when the file changes (a rebuild while the server runs). A server
 * started without building answers 503 with how to build it.
 */
export function widgetScript(file: string = BUILT_WIDGET): WidgetScript {
  let mtimeMs: number;
  try {
    mtimeMs = fs.statSync(file).mtimeMs;
  } catch {
    throw new Problem(503, 'internal', 'Widget not built', 'The chat widget has not been built: run `npm run build`.');
  }
  if (cached?.file !== file || cached.mtimeMs !== mtimeMs) {
    const js = fs.readFileSync(file);
    const etag = `"${createHash('sha256').update(js).digest('base64url').slice(0, 16)}"`;
    cached = { file, mtimeMs, script: { js, gzip: gzipSync(js, { level: 9 }), etag } };
  }
  return cached.script;
}
