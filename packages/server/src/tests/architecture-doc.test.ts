import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** docs/ARCHITECTURE.md names every source folder and every domain module, so a newcomer finds each one. */
const ROOT = path.resolve(import.meta.dirname, '../../../..');
const doc = readFileSync(path.join(ROOT, 'docs/ARCHITECTURE.md'), 'utf8');

function foldersUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== 'node_modules' && e.name !== 'dist')
    .flatMap((e) => {
      const full = path.join(dir, e.name);
      return [full, ...foldersUnder(full)];
    });
}

const packages = readdirSync(path.join(ROOT, 'packages'));
const sourceFolders = packages.flatMap((p) => {
  const src = path.join(ROOT, 'packages', p, 'src');
  return foldersUnder(src).map((f) => path.relative(ROOT, f));
});
const domainModules = readdirSync(path.join(ROOT, 'packages/domain/src')).filter(
  (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts',
);

describe('docs/ARCHITECTURE.md', () => {
  it('finds the folders it checks', () => {
    expect(sourceFolders).toContain('packages/server/src/use-cases');
    expect(domainModules).toContain('lifecycle.ts');
  });

  it.each(sourceFolders)('names the folder %s', (folder) => {
    expect(doc, `add ${path.basename(folder)}/ to the tree in docs/ARCHITECTURE.md`).toContain(`${path.basename(folder)}/`);
  });

  it.each(domainModules)('names the domain module %s', (file) => {
    expect(doc, `add ${file} to the domain's list in docs/ARCHITECTURE.md`).toContain(file);
  });
});
