#!/usr/bin/env node
// `npm run lint:deps`: checks the dependency rules (.dependency-cruiser.cjs, docs/ARCHITECTURE.md)
// with dependency-cruiser's API (its command line asks for a newer Node than the project needs),
// plus one rule imports cannot show: routes write no SQL themselves. Prints each violation;
// exits 1 if there is any.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { cruise } from 'dependency-cruiser';

const root = path.resolve(import.meta.dirname, '..');
process.chdir(root);
const config = createRequire(import.meta.url)(path.join(root, '.dependency-cruiser.cjs'));
// Every workspace package's sources.
const sources = fs
  .readdirSync('packages')
  .map((p) => `packages/${p}/src`)
  .filter((p) => fs.existsSync(p));

const result = await cruise(sources, { ...config.options, validate: true, ruleSet: { forbidden: config.forbidden } });
const violations = result.output.summary.violations.map((v) => {
  const cycle = v.cycle?.length ? `\n    loop: ${[v.from, ...v.cycle.map((c) => c.name ?? c)].join(' → ')}` : '';
  return `${v.rule.name}: ${v.from} → ${v.to}${cycle}`;
});

// Writes a route might make without importing anything: query-builder writes, transactions, SQL
// that changes rows. Routes call a use case instead (use-cases/, one file per action).
const WRITES =
  /\.(insertInto|updateTable|deleteFrom|replaceInto|mergeInto|transaction)\s*\(|\b(INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b/;
const http = 'packages/server/src/http';
for (const file of fs.readdirSync(http).filter((f) => f.endsWith('.routes.ts'))) {
  const lines = fs.readFileSync(path.join(http, file), 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (WRITES.test(line)) violations.push(`routes-write-through-use-cases: ${http}/${file}:${i + 1} writes: ${line.trim()}`);
  });
}

const modules = result.output.summary.totalCruised;
if (violations.length === 0) {
  console.log(`Dependency rules: ${modules} modules, no violations.`);
} else {
  console.error(`Dependency rules: ${violations.length} violation(s) in ${modules} modules:`);
  for (const v of violations) console.error(`  ${v}`);
  process.exitCode = 1;
}
