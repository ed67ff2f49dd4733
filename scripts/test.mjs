#!/usr/bin/env node
// `npm test`: builds the web app, runs every test suite (domain, server on both databases,
// browser flows in Chromium) and ends with one line: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);

function pgAnswers(url) {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect({ host: u.hostname || '127.0.0.1', port: Number(u.port || 5432) }, () => {
      s.end();
      resolve(true);
    });
    s.on('error', () => resolve(false));
    s.setTimeout(2000, () => {
      s.destroy();
      resolve(false);
    });
  });
}

const pgUrl = process.env.CASEWORK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbs = process.env.CASEWORK_TEST_DBS ?? 'pglite,postgres';
if (dbs.includes('postgres') && !(await pgAnswers(pgUrl))) {
  console.error(
    `PostgreSQL does not answer at ${pgUrl}.\n` +
      'Start one (or run `bash .ci/run`, which installs and starts it), set CASEWORK_TEST_PG_URL, ' +
      'or run the embedded-database suites only with CASEWORK_TEST_DBS=pglite.',
  );
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const chromium = process.env.CASEWORK_CHROMIUM ?? '/usr/bin/chromium';
const withBrowser = !args.includes('--no-e2e');
if (withBrowser && !fs.existsSync(chromium)) {
  console.error(
    `Chromium is not installed at ${chromium} (Debian: apt-get install chromium), needed for the browser tests.\n` +
      'Run `bash .ci/run` to install it, or `npm test -- --no-e2e` to skip the browser suite.',
  );
  console.log('0 passed, 1 failed');
  process.exit(1);
}

if (withBrowser) {
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('The web app does not build.');
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

// Guard rails, one test each (counted below): the dependency rules (scripts/check-deps.mjs prints any
// violation), the type checks of every package and the linter/formatter. A failing one prints its errors.
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
const biome = path.join(root, 'node_modules/@biomejs/biome/bin/biome');
const checks = [
  { name: 'dependency rules', command: [path.join(root, 'scripts/check-deps.mjs')], inherit: true },
  { name: 'typecheck: domain, server, widget, e2e', command: [tsc, '-p', 'tsconfig.json', '--noEmit'] },
  { name: 'typecheck: web', command: [tsc, '-p', 'packages/web', '--noEmit'] },
  { name: 'typecheck: widget', command: [tsc, '-p', 'packages/widget', '--noEmit'] },
  { name: 'typecheck: sdk', command: [tsc, '-p', 'packages/sdk/tsconfig.build.json', '--noEmit'] },
  { name: 'lint and format (biome ci)', command: [biome, 'ci', '--colors=off', '--error-on-warnings', '.'] },
];
let checksFailed = 0;
const checkFailures = [];
for (const check of checks) {
  const r = spawnSync(process.execPath, check.command, { cwd: root, stdio: check.inherit ? 'inherit' : 'pipe', encoding: 'utf8' });
  if (r.status === 0) {
    console.log(`✓ ${check.name}`);
    continue;
  }
  checksFailed += 1;
  console.error(`✗ ${check.name} failed:`);
  checkFailures.push(`✗ ${check.name}`);
  if (!check.inherit) console.error(`${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`);
}

const report = path.join(os.tmpdir(), `casework-vitest-${process.pid}.json`);
const projects = ['domain', 'server', ...(withBrowser ? ['e2e'] : [])].flatMap((p) => ['--project', p]);
const run = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    ...projects,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...args.filter((a) => a !== '--no-e2e'),
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, CASEWORK_TEST_DBS: dbs, CASEWORK_CHROMIUM: chromium },
  },
);

let passed = 0;
let failed = 0;
try {
  const r = JSON.parse(fs.readFileSync(report, 'utf8'));
  passed = r.numPassedTests;
  // A file that fails to load has no tests but fails its suite: count it as a failure.
  const brokenFiles = (r.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
  failed = r.numFailedTests + brokenFiles;
  // Name every failure again right above the summary, so the end of a long log says what failed.
  const failures = (r.testResults ?? []).flatMap((f) => {
    const file = path.relative(root, f.name);
    const tests = (f.assertionResults ?? []).filter((t) => t.status === 'failed');
    if (f.status === 'failed' && tests.length === 0) return [`✗ ${file}: ${String(f.message ?? 'did not load').split('\n')[0]}`];
    return tests.map(
      (t) =>
        `✗ ${file} › ${t.fullName ?? t.title}: ${String(t.failureMessages?.[0] ?? '')
          .split('\n')[0]
          .slice(0, 800)}`,
    );
  });
  if (failures.length > 0) console.log(`\nFailed:\n${failures.join('\n')}\n`);
  fs.rmSync(report, { force: true });
} catch {
  failed = Math.max(1, failed);
}
if (run.status !== 0 && failed === 0) failed = 1;
passed += checks.length - checksFailed;
failed += checksFailed;
if (checkFailures.length > 0) console.log(`Failed guard rails:\n${checkFailures.join('\n')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
