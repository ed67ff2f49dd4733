/**
 * Generates packages/web/src/api/openapi.ts, the web app's request and answer types, from the
 * OpenAPI document the server serves (`npm run api-types`). The server's tests fail while the
 * checked-in file differs from what the current server would generate.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER, type OpenAPI3 } from 'openapi-typescript';

/** The generated file, checked in. */
export const API_TYPES_FILE = path.resolve(import.meta.dirname, '../src/api/openapi.ts');

/** The command that regenerates it. */
export const API_TYPES_COMMAND = 'npm run api-types';

/** The TypeScript source for an OpenAPI document. */
export async function renderApiTypes(document: Record<string, unknown>): Promise<string> {
  const ast = await openapiTS(document as unknown as OpenAPI3, { silent: true });
  const header = `${COMMENT_HEADER.trimEnd().replace(/\n \*\/$/, `\n * Regenerate with \`${API_TYPES_COMMAND}\`.\n */`)}\n\n`;
  return header + astToString(ast);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { openApiDocument } = await import('../../server/src/openapi-document.ts');
  fs.writeFileSync(API_TYPES_FILE, await renderApiTypes(await openApiDocument()));
  console.log(`wrote ${path.relative(process.cwd(), API_TYPES_FILE)}`);
}
