import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { build } from 'esbuild';

export type WidgetBundle = { js: Buffer; gzip: Buffer; etag: string };

let cached: Promise<WidgetBundle> | null = null;

/**
 * The widget script, bundled and minified by esbuild on first request and kept in memory
 * (with its gzip form: the script is served compressed to browsers that accept it).
 */
export function widgetBundle(): Promise<WidgetBundle> {
  cached ??= (async () => {
    const out = await build({
      entryPoints: [path.join(import.meta.dirname, 'widget', 'widget.ts')],
      bundle: true,
      minify: true,
      format: 'iife',
      target: ['es2020'],
      write: false,
      legalComments: 'none',
      logLevel: 'silent',
    });
    const js = Buffer.from(out.outputFiles[0]!.contents);
    const gzip = gzipSync(js, { level: 9 });
    return { js, gzip, etag: `"${createHash('sha256').update(js).digest('base64url').slice(0, 16)}"` };
  })();
  cached.catch(() => {
    cached = null;
  });
  return cached;
}
