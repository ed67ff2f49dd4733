import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Vitest global setup: the server serves the built widget at /widget.js, so build it first (esbuild, well under a second). */
export default function buildWidget(): void {
  execFileSync(process.execPath, [path.resolve(import.meta.dirname, '../../../widget/build.mjs')], { stdio: 'inherit' });
}
