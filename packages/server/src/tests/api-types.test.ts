import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { openApiDocument } from '../openapi-document.ts';
import { API_TYPES_COMMAND, API_TYPES_FILE, renderApiTypes } from '../../../web/scripts/api-types.ts';

/** The web app's API types are generated from this server's OpenAPI document and checked in. */
describe('web API types', () => {
  let t: TestApp;
  let document: Record<string, unknown>;
  beforeAll(async () => {
    t = await startTestApp('pglite');
    document = await openApiDocument();
  });
  afterAll(() => t?.close());

  it('are generated from the document the server serves', async () => {
    const served = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    expect(document).toEqual(served);
  });

  it('are up to date with the current server', async () => {
    const generated = await renderApiTypes(document);
    const checkedIn = fs.readFileSync(API_TYPES_FILE, 'utf8');
    expect(
      checkedIn === generated,
      `packages/web/src/api/openapi.ts is out of date with the server's OpenAPI document: run \`${API_TYPES_COMMAND}\``,
    ).toBe(true);
  });
});
