import os from 'node:os';
import { defineConfig } from 'vitest/config';

// Vitest's default is one worker per core but one, which is a single worker on a two-core
// machine: every suite file would then run one after another. Server files spend most of their
// time waiting on their own server and database, so two at a time keep both cores busy. The
// projects that run together must agree on it.
const PARALLEL_FILES = Math.max(2, os.availableParallelism() - 1);

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'domain',
          include: ['packages/domain/src/**/*.test.ts'],
          maxWorkers: PARALLEL_FILES,
        },
      },
      {
        test: {
          name: 'server',
          include: ['packages/server/src/**/*.test.ts'],
          globalSetup: ['packages/server/src/test-support/build-widget.ts', 'packages/server/src/test-support/cli-bundle.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
          maxWorkers: PARALLEL_FILES,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          globalSetup: ['packages/server/src/test-support/cli-bundle.ts', 'e2e/support/template.ts'],
          // A page may take seconds to settle on a loaded machine; a poll waits for it (never a timing assertion).
          expect: { poll: { timeout: 15_000 } },
          testTimeout: 120_000,
          hookTimeout: 180_000,
          pool: 'forks',
          fileParallelism: false,
        },
      },
    ],
  },
});
