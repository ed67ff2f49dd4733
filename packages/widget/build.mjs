// Builds the widget into dist/widget.js (minified, one IIFE, no imports), which the server serves at
// /widget.js. @casework/sdk is bundled from its source (tsconfig.json `paths`), so it needs no build
// first. `--watch` rebuilds on change (`npm run dev`); the server picks up a rebuilt file by itself.
import path from 'node:path';
import { context } from 'esbuild';

const here = import.meta.dirname;
const ctx = await context({
  entryPoints: [path.join(here, 'src', 'widget.ts')],
  outfile: path.join(here, 'dist', 'widget.js'),
  tsconfig: path.join(here, 'tsconfig.json'),
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  legalComments: 'none',
  logLevel: 'warning',
});
if (process.argv.includes('--watch')) await ctx.watch();
else {
  await ctx.rebuild();
  await ctx.dispose();
}
