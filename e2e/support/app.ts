import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { ADMIN, startServer, type RunningServer } from './server.ts';
import { apiSession, createCases, seedOrg, type Api, type CaseJson, type Org } from './api.ts';
import { launchBrowser } from './browser.ts';

/** What a browser test file runs against; the fields are filled in by `beforeAll`. */
export type E2eApp = { server: RunningServer; browser: Browser };

/**
 * Registers the file's `beforeAll`/`afterAll`: a fresh server and Chromium for its tests, stopped
 * after them. With `seed`, it first runs on an admin API session: what it returns, and `admin`, are on the result.
 */
export function e2eApp(): E2eApp;
export function e2eApp<T extends object>(seed: (admin: Api, server: RunningServer) => Promise<T>): E2eApp & { admin: Api } & T;
export function e2eApp(seed?: (admin: Api, server: RunningServer) => Promise<object>): E2eApp {
  const app = {} as E2eApp;
  beforeAll(async () => {
    app.server = await startServer();
    if (seed) {
      const admin = await apiSession(app.server.url, ADMIN.email, ADMIN.password);
      Object.assign(app, { admin }, await seed(admin, app.server));
    }
    app.browser = await launchBrowser();
  });
  afterAll(async () => {
    await app.browser?.close();
    await app.server?.stop();
  });
  return app;
}

/** A seed for `e2eApp`: the standard organisation (`seedOrg`) and cases with these subjects in its Support team. */
export function orgWithCases(subjects: string[] = []): (admin: Api) => Promise<{ org: Org; cases: CaseJson[] }> {
  return async (admin) => {
    const org = await seedOrg(admin);
    return { org, cases: await createCases(admin, org.supportId, subjects) };
  };
}
