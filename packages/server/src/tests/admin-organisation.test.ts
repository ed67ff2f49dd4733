import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, makeUser, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { expectForbidden, expectInvalid, expectProblem } from './admin-support.ts';

describe.each(DB_KINDS)('organisation settings (%s)', (kind) => {
  let t: TestApp;
  let admin: TestUser;
  let agent: TestUser;

  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = await makeUser(t.db, { role: 'admin' });
    agent = await makeUser(t.db, { role: 'agent' });
  });
  afterAll(() => t.close());

  it('answers 401 without credentials', async () => {
    expectProblem(await call(t, null, 'GET', '/api/v1/organisation'), 401, 'unauthenticated');
    expectProblem(await call(t, null, 'PATCH', '/api/v1/organisation', { name: 'X' }), 401, 'unauthenticated');
  });

  it('shows the settings to any signed-in user', async () => {
    const r = await call(t, agent, 'GET', '/api/v1/organisation');
    expect(r.statusCode).toBe(200);
    expect(r.data).toEqual({
      name: 'Casework',
      timeZone: 'UTC',
      autoCloseDays: 14,
      maxOpenPerUser: null,
      slaGuard: false,
      managedTags: null,
      maxAttachmentBytes: 25 * 1024 * 1024,
      auditRetentionDays: 365,
      spamRetentionDays: 30,
      twoFactorRequired: 'off',
    });
  });

  it('lets only administrators change them', async () => {
    expectForbidden(await call(t, agent, 'PATCH', '/api/v1/organisation', { name: 'Mine' }), 'admin.users');
  });

  it('validates changes', async () => {
    const patch = (b: unknown) => call(t, admin, 'PATCH', '/api/v1/organisation', b);
    expectInvalid(await patch({ timeZone: 'Atlantis/Capital' }), 'timeZone');
    expectInvalid(await patch({ autoCloseDays: 0 }), 'autoCloseDays');
    expectInvalid(await patch({ autoCloseDays: 366 }), 'autoCloseDays');
    expectInvalid(await patch({ autoCloseDays: 2.5 }), 'autoCloseDays');
    expectInvalid(await patch({ autoCloseDays: '7' }), 'autoCloseDays');
    expectInvalid(await patch({ maxOpenPerUser: 0 }), 'maxOpenPerUser');
    expectInvalid(await patch({ slaGuard: 'on' }), 'slaGuard');
    expectInvalid(await patch({ spamRetentionDays: 0 }), 'spamRetentionDays');
    expectInvalid(await patch({ spamRetentionDays: 1.5 }), 'spamRetentionDays');
    expectInvalid(await patch({ name: '' }), 'name');
    expectInvalid(await patch({ currency: 'EUR' }), 'currency');
    expectInvalid(await patch({ auditRetentionDays: 29 }), 'auditRetentionDays');
    expectInvalid(await patch({ auditRetentionDays: 3651 }), 'auditRetentionDays');
    expect((await call(t, admin, 'GET', '/api/v1/organisation')).data.timeZone).toBe('UTC');
  });

  it('saves changes; the zone is stored canonical and users without their own zone follow it', async () => {
    const r = await call(t, admin, 'PATCH', '/api/v1/organisation', {
      name: 'Acme Support',
      timeZone: 'america/new_york',
      autoCloseDays: 30,
      maxOpenPerUser: 5,
      slaGuard: true,
      spamRetentionDays: 7,
    });
    expect(r.statusCode).toBe(200);
    expect(r.data).toEqual({
      name: 'Acme Support',
      timeZone: 'America/New_York',
      autoCloseDays: 30,
      maxOpenPerUser: 5,
      slaGuard: true,
      managedTags: null,
      maxAttachmentBytes: 25 * 1024 * 1024,
      auditRetentionDays: 365,
      spamRetentionDays: 7,
      twoFactorRequired: 'off',
    });
    expect((await call(t, agent, 'GET', '/api/v1/organisation')).data).toEqual(r.data);
    expect((await call(t, agent, 'GET', '/api/v1/me')).data.timeZone).toBe('America/New_York');
    const cleared = await call(t, admin, 'PATCH', '/api/v1/organisation', { maxOpenPerUser: null });
    expect(cleared.data).toEqual({ ...r.data, maxOpenPerUser: null });
    expect((await call(t, admin, 'PATCH', '/api/v1/organisation', {})).data).toEqual(cleared.data);
  });
});
