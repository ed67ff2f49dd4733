import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `casework` compiled into one file (see cliBundle below). */
    cliBundle: string;
  }
}

const SERVER = path.resolve(import.meta.dirname, '../..');
const ROOT = path.resolve(SERVER, '../..');

// Each source file keeps its own import.meta.dirname and url in the bundle (the app finds the
// built web app and widget from them), exactly as when it runs from its own file.
const ownImportMeta: Plugin = {
  name: 'own-import-meta',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await fs.promises.readFile(args.path, 'utf8');
      return {
        loader: 'ts',
        contents: text
          .replaceAll('import.meta.dirname', JSON.stringify(path.dirname(args.path)))
          .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
      };
    });
  },
};

/**
 * Vitest global setup: the `casework` command (packages/server/src/cli.ts and what it imports)
 * compiled into one ES module, which the tests' spawned server processes run with plain node.
 * `bin/casework.mjs` compiles every source file through tsx at each start, which costs a
 * spawned server seconds of CPU before it serves; the bundle is the same code, built from the
 * sources at the start of every test run. Packages stay outside the bundle, loaded as usual.
 */
export default async function cliBundle(project: TestProject): Promise<() => void> {
  const dir = path.join(SERVER, 'node_modules/.cache/casework-test');
  const file = path.join(dir, `cli-${process.pid}-${project.name}.mjs`);
  await build({
    entryPoints: [path.join(SERVER, 'src/cli.ts')],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    alias: { '@casework/domain': path.join(ROOT, 'packages/domain/src/index.ts') },
    plugins: [ownImportMeta],
    logLevel: 'warning',
  });
  process.env.CASEWORK_TEST_CLI = file;
  project.provide('cliBundle', file);
  return () => fs.rmSync(file, { force: true });
}
