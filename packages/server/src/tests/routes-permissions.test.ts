import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_ACTIONS, isPermission } from '@casework/domain';
import { DB_KINDS, call, makeUser, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { UNKNOWN_ID } from '../test-support/case-fixtures.ts';
import { uuidv7 } from '../ids.ts';
import { routePermissions } from '../http/auth-hook.ts';
import { ROUTE_MODULES } from '../http/routes.ts';
import { buildApp } from '../app.ts';
import type { RouteModule } from '../http/route-types.ts';

/**
 * Every route and the permission it declares. A new route must be added here on purpose,
 * so nobody ships an endpoint without deciding who may call it.
 */
const EXPECTED = `
DELETE /api/v1/blocklist admin.channels
DELETE /api/v1/canned-replies/:id authenticated
DELETE /api/v1/macros/:id authenticated
DELETE /api/v1/case-fields/:key admin.fields
DELETE /api/v1/calendars/:id admin.sla
DELETE /api/v1/sla-policies/:id admin.sla
DELETE /api/v1/cases/:id/collaborators/:userId case:assign
DELETE /api/v1/cases/:id/follow case:unfollow
DELETE /api/v1/cases/:id/viewing authenticated
DELETE /api/v1/channels/:id admin.channels
DELETE /api/v1/invitations/:id admin.users
DELETE /api/v1/me/2fa authenticated
DELETE /api/v1/roles/:id admin.roles
DELETE /api/v1/teams/:id admin.teams
DELETE /api/v1/tokens/:id authenticated
DELETE /api/v1/users/:id/2fa admin.users
DELETE /api/v1/views/:id authenticated
DELETE /api/v1/webhooks/:id admin.channels
GET /* public
GET /api/v1/blocklist admin.channels
GET /api/v1/canned-replies authenticated
GET /api/v1/macros authenticated
GET /api/v1/case-fields authenticated
GET /api/v1/calendars authenticated
GET /api/v1/sla-policies authenticated
GET /api/v1/cases authenticated
GET /api/v1/cases/:id authenticated
GET /api/v1/cases/export.csv authenticated
GET /api/v1/attachments/:id authenticated
GET /api/v1/audit-log admin.users
GET /api/v1/audit-log/export.csv admin.users
GET /api/v1/cases/:id/attachments/:attachmentId authenticated
GET /api/v1/cases/:id/channel authenticated
GET /api/v1/cases/:id/events authenticated
GET /api/v1/cases/:id/mentionable authenticated
GET /api/v1/cases/:id/messages authenticated
GET /api/v1/cases/:id/viewers authenticated
GET /api/v1/channels admin.channels
GET /api/v1/channels/:id admin.channels
GET /api/v1/chat/channels/:key public
GET /api/v1/chat/sessions/:id public
GET /api/v1/chat/sessions/:id/attachments/:attachmentId public
GET /api/v1/chat/sessions/:id/messages public
GET /api/v1/chat/sessions/:id/stream public
GET /api/v1/customers authenticated
GET /api/v1/customers/:id authenticated
GET /api/v1/events authenticated
GET /api/v1/invitations admin.users
GET /api/v1/me authenticated
GET /api/v1/me/notification-settings authenticated
GET /api/v1/me/notifications authenticated
GET /api/v1/me/2fa authenticated
GET /api/v1/me/preferences authenticated
GET /api/v1/me/work authenticated
GET /api/v1/me/work/sections/:key authenticated
GET /api/v1/organisation authenticated
GET /api/v1/organisation/sso admin.users
GET /api/v1/auth/methods public
GET /api/v1/auth/oidc/start public
GET /api/v1/auth/oidc/callback public
GET /api/v1/permissions authenticated
GET /api/v1/reports/summary authenticated
GET /api/v1/roles authenticated
GET /api/v1/tags authenticated
GET /api/v1/teams authenticated
GET /api/v1/teams/:id authenticated
GET /api/v1/tokens authenticated
GET /api/v1/users authenticated
GET /api/v1/users/:id authenticated
GET /api/v1/views authenticated
GET /api/v1/webhooks admin.channels
GET /api/v1/webhooks/:id admin.channels
GET /api/v1/webhooks/:id/deliveries admin.channels
GET /demo/chat public
GET /demo/outbox public
GET /healthz public
GET /metrics public
GET /readyz public
GET /survey/:token public
GET /widget.js public
OPTIONS /api/v1/chat/* public
PATCH /api/v1/canned-replies/:id authenticated
PATCH /api/v1/macros/:id authenticated
PATCH /api/v1/case-fields/:key admin.fields
PATCH /api/v1/calendars/:id admin.sla
PATCH /api/v1/sla-policies/:id admin.sla
PATCH /api/v1/cases/:id case:edit
PATCH /api/v1/cases/:id/fields case:edit
PATCH /api/v1/channels/:id admin.channels
PATCH /api/v1/customers/:id customer.edit
PATCH /api/v1/me authenticated
PATCH /api/v1/organisation admin.users
PATCH /api/v1/roles/:id admin.roles
PATCH /api/v1/teams/:id admin.teams
PATCH /api/v1/users/:id admin.users
PATCH /api/v1/views/:id authenticated
PATCH /api/v1/webhooks/:id admin.channels
POST /api/v1/auth/login public
POST /api/v1/auth/login/mfa public
POST /api/v1/auth/logout public
POST /api/v1/auth/oidc/start public
POST /api/v1/auth/password-reset public
POST /api/v1/auth/password-reset/confirm public
POST /api/v1/blocklist admin.channels
POST /api/v1/canned-replies authenticated
POST /api/v1/canned-replies/:id/render authenticated
POST /api/v1/macros authenticated
POST /api/v1/invitations admin.users
POST /api/v1/invitations/:id/resend admin.users
POST /api/v1/invitations/accept public
POST /api/v1/invitations/preview public
POST /api/v1/me/2fa/confirm authenticated
POST /api/v1/me/2fa/setup authenticated
POST /api/v1/case-fields admin.fields
POST /api/v1/calendars admin.sla
POST /api/v1/sla-policies admin.sla
POST /api/v1/cases case.create
POST /api/v1/cases/email case.create
GET /api/v1/cases/email/channels case.create
POST /api/v1/cases/:id/apply-macro authenticated
POST /api/v1/cases/:id/assign case:assign
POST /api/v1/cases/:id/cancel case:cancel
POST /api/v1/cases/:id/claim case:claim
POST /api/v1/cases/:id/collaborators case:assign
POST /api/v1/cases/:id/follow case:follow
POST /api/v1/cases/:id/messages case:message
POST /api/v1/cases/:id/messages/:messageId/retry case:message
POST /api/v1/cases/:id/not-spam case:not_spam
POST /api/v1/cases/:id/reopen case:reopen
POST /api/v1/cases/:id/resolve case:resolve
POST /api/v1/cases/:id/spam case:spam
POST /api/v1/cases/:id/tags case:edit
POST /api/v1/cases/:id/typing authenticated
POST /api/v1/cases/:id/unassign case:unassign
POST /api/v1/cases/:id/viewing authenticated
POST /api/v1/cases/:id/wait case:set_waiting
POST /api/v1/cases/:id/wake case:wake
POST /api/v1/cases/bulk authenticated
POST /api/v1/channels admin.channels
POST /api/v1/channels/:id/test-connection admin.channels
POST /api/v1/chat/sessions public
POST /api/v1/chat/sessions/:id/attachments public
POST /api/v1/chat/sessions/:id/end public
POST /api/v1/chat/sessions/:id/messages public
POST /api/v1/chat/sessions/:id/rating public
POST /api/v1/chat/sessions/:id/typing public
POST /api/v1/customers/:id/merge customer.merge
POST /api/v1/import/cases case.import
POST /api/v1/me/notifications/read authenticated
POST /api/v1/me/work/claim-next case.claim
POST /api/v1/roles admin.roles
POST /api/v1/teams admin.teams
POST /api/v1/tokens authenticated
POST /api/v1/uploads authenticated
POST /api/v1/users admin.users
POST /api/v1/views authenticated
POST /api/v1/webhooks admin.channels
POST /api/v1/webhooks/:id/deliveries/:deliveryId/retry admin.channels
POST /survey/:token public
POST /webhooks/sms/:channelId public
POST /webhooks/voice/:channelId public
POST /webhooks/voice/:channelId/status public
PUT /api/v1/me/notification-settings authenticated
PUT /api/v1/me/preferences authenticated
PUT /api/v1/organisation/sso admin.users
`
  .trim()
  .split('\n');

/** Served by the documentation plugins, registered before the guard: public by design. */
const DOCS = [
  '/api/docs',
  '/api/docs*',
  '/api/docs/json',
  '/api/docs/static/index.html',
  '/api/docs/static/swagger-initializer.js',
  '/api/docs/yaml',
  '/api/v1/openapi.json',
];
/** The tree prints a wildcard route `/x/*` as `/x*`: compare in that spelling. */
const spelled = (route: string) => route.replace(/\/\*$/, '*');

/** Full paths of every route in `printRoutes` output (a tree), with their methods. */
function printedRoutes(tree: string): string[] {
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^(.*?)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    for (const method of (m[3] ?? '').split(', ').filter((x) => x && x !== 'HEAD')) out.push(`${method} ${stack.join('')}`);
  }
  return out.sort();
}

/** Valid bodies for case routes, so that only visibility decides the answer. */
const BODIES: Record<string, unknown> = {
  '/api/v1/cases/:id/assign': { ownerId: UNKNOWN_ID },
  '/api/v1/cases/:id/resolve': { resolution: 'completed' },
  '/api/v1/cases/:id/messages': { body: 'Hello' },
  '/api/v1/cases/:id/collaborators': { userId: UNKNOWN_ID },
  '/api/v1/cases/:id/apply-macro': { macroId: UNKNOWN_ID },
};

const validPermission = (p: string) =>
  p === 'public' ||
  p === 'authenticated' ||
  isPermission(p) ||
  (p.startsWith('case:') && (CASE_ACTIONS as readonly string[]).includes(p.slice(5))) ||
  (p.startsWith('any:') && p.slice(4).split('|').every(isPermission));

describe.each(DB_KINDS)('route permissions (%s)', (kind) => {
  let t: TestApp;
  let nobody: TestUser;
  const webDist = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-web-'));
  const table = () => routePermissions(t.app).filter((r) => r.method !== 'HEAD');

  beforeAll(async () => {
    fs.writeFileSync(path.join(webDist, 'index.html'), '<!doctype html><title>Casework</title>');
    t = await startTestApp(kind, { config: { webDist } });
    await t.db.kysely.insertInto('roles').values({ id: 'nobody', name: 'Nobody', permissions: [], built_in: false }).execute();
    nobody = await makeUser(t.db, { role: 'nobody' });
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(webDist, { recursive: true, force: true });
  });

  it('the full table of routes and their declared permissions', () => {
    expect(
      table()
        .map((r) => `${r.method} ${r.url} ${r.permission}`)
        .sort(),
    ).toEqual([...EXPECTED].sort());
    expect(table().filter((r) => !validPermission(r.permission))).toEqual([]);
  });

  it('the guard saw every registered route except the public documentation', () => {
    const guarded = new Set(table().map((r) => spelled(`${r.method} ${r.url}`)));
    const unguarded = printedRoutes(t.app.printRoutes({ commonPrefix: false })).filter((r) => !guarded.has(r));
    expect(unguarded.map((r) => r.split(' ')[1]).filter((u) => !DOCS.includes(u!))).toEqual([]);
  });

  it('a route without a permission makes buildApp fail', async () => {
    for (const config of [undefined, {}, { permission: '' }]) {
      const bad: RouteModule = (app) => {
        app.get('/api/v1/unguarded', { config: config as never }, async () => ({ ok: true }));
      };
      ROUTE_MODULES.push(bad);
      try {
        await expect(buildApp(t.deps)).rejects.toThrow(/GET \/api\/v1\/unguarded declares no permission/);
      } finally {
        ROUTE_MODULES.splice(ROUTE_MODULES.indexOf(bad), 1);
      }
    }
  });

  it('every non-public route answers 401 to a stranger, even with a body it would refuse', async () => {
    for (const r of table().filter((x) => x.permission !== 'public')) {
      const url = r.url.replace(/:[A-Za-z]+/g, UNKNOWN_ID).replace('*', 'x');
      const res = await call(t, null, r.method, url, r.method === 'GET' ? undefined : { unexpected: [1, 2, 3] });
      expect([res.statusCode, res.data?.code], `${r.method} ${r.url}`).toEqual([401, 'unauthenticated']);
      if (r.method === 'GET') expect((await call(t, null, 'HEAD', url)).statusCode, `HEAD ${r.url}`).toBe(401);
    }
  });

  it('every route needing a named permission answers 403 naming it to a user without it', async () => {
    for (const r of table().filter((x) => isPermission(x.permission) || x.permission.startsWith('any:'))) {
      const url = r.url.replace(/:[A-Za-z]+/g, UNKNOWN_ID);
      const res = await call(t, nobody, r.method, url, r.method === 'GET' ? undefined : {});
      const expected = r.permission.startsWith('any:') ? r.permission.slice(4).split('|')[0] : r.permission;
      expect([res.statusCode, res.data?.code, res.data?.action], `${r.method} ${r.url}`).toEqual([403, 'forbidden', expected]);
    }
  });

  it('every route of a case answers 404 to a user who may not see it, as for a case that does not exist', async () => {
    const teams = await Promise.all(
      ['Mine', 'Theirs'].map(async (name) => {
        const id = uuidv7();
        await t.db.kysely
          .insertInto('teams')
          .values({ id, name: `${name} ${id.slice(-6)}` })
          .execute();
        return id;
      }),
    );
    const admin = await makeUser(t.db, { role: 'admin', teamIds: [teams[0]!] });
    const outsider = await makeUser(t.db, { role: 'agent', teamIds: [teams[1]!] });
    const hidden = (await call(t, admin, 'POST', '/api/v1/cases', { subject: 'Hidden', teamId: teams[0] })).data.id;
    for (const r of table().filter((x) => x.url.startsWith('/api/v1/cases/:id'))) {
      for (const id of [hidden, UNKNOWN_ID]) {
        const url = r.url.replace(':id', id).replace(/:[A-Za-z]+/g, outsider.id);
        const res = await call(t, outsider, r.method, url, r.method === 'GET' || r.method === 'DELETE' ? undefined : (BODIES[r.url] ?? {}));
        expect([res.statusCode, res.data?.code], `${r.method} ${r.url}`).toEqual([404, 'not_found']);
      }
    }
    expect((await call(t, admin, 'GET', `/api/v1/cases/${hidden}`)).data.ownerId).toBeNull();
  });

  it('public routes answer without credentials', async () => {
    expect((await call(t, null, 'GET', '/healthz')).statusCode).toBe(200);
    expect((await call(t, null, 'GET', '/api/v1/openapi.json')).statusCode).toBe(200);
    expect((await call(t, null, 'GET', '/my-work')).body).toContain('<title>Casework</title>');
  });
});
