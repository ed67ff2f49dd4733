/**
 * The dependency rules of docs/ARCHITECTURE.md ("Dependency rules"), checked by dependency-cruiser.
 * `npm run lint:deps` and `npm test` run them (scripts/check-deps.mjs); a violation fails.
 */

/** db/repos modules that only read, which routes may call directly. */
const READ_REPOS =
  '^packages/server/src/db/repos/(case-views|case-list|sections|visibility|channels|chat-sessions|attachments|saved-views|case-fields|customer-list|notification-list|canned-replies|macros|audit-list|sla-config)[.]ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import loops in any package (type-only imports count too).',
      from: { path: '^packages/[^/]+/src/' },
      to: { circular: true },
    },
    {
      name: 'domain-imports-nothing',
      severity: 'error',
      comment:
        'packages/domain is pure: it imports only its own files (no node built-ins, no npm packages). Its tests may use the test tools.',
      from: { path: '^packages/domain/src/', pathNot: '[.]test[.]ts$' },
      to: { pathNot: '^packages/domain/src/' },
    },
    {
      name: 'db-below-everything',
      severity: 'error',
      comment: 'db/ holds SQL only: it imports neither the layers above it (use-cases, outbox, http) nor realtime or channels.',
      from: { path: '^packages/server/src/db/' },
      to: { path: '^packages/server/src/(realtime|channels|http|use-cases|outbox)/' },
    },
    {
      name: 'routes-write-through-use-cases',
      severity: 'error',
      comment:
        'http/*.routes.ts import from db/ only types, or the read-only repos (case-views, case-list, sections, visibility, channels, chat-sessions, attachments, saved-views, case-fields|customer-list|notification-list|canned-replies|macros|audit-list|sla-config): writes go through use-cases/.',
      from: { path: '^packages/server/src/http/[^/]+[.]routes[.]ts$' },
      to: { path: '^packages/server/src/db/', pathNot: READ_REPOS, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'web-imports-domain-and-sdk-only',
      severity: 'error',
      comment:
        'The web app (packages/web/src) talks to the server over HTTP: from the workspace it imports only @casework/domain and @casework/sdk. Its build scripts (packages/web/scripts) may read the server, e.g. its OpenAPI document.',
      from: { path: '^packages/web/src/' },
      to: { path: '^packages/', pathNot: '^packages/(web|domain|sdk)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/|(^|/)dist/' },
    tsPreCompilationDeps: true,
    parser: 'swc',
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
