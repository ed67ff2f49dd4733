import fs from 'node:fs';
import type { TestProject } from 'vitest/node';
import { startServer } from './server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** An embedded database folder as a first start leaves it (migrated, with the e2e admin), copied for each server. */
    e2eTemplate: string;
  }
}

/**
 * Vitest global setup of the browser suite: one server starts once on a fresh embedded database
 * and stops; every browser file's server then starts on a copy of that folder, not a fresh one,
 * which spares each file the migrations and the first admin's creation.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const server = await startServer({ keepDataDir: true });
  await server.stop();
  const dir = server.dataDir!;
  project.provide('e2eTemplate', dir);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
