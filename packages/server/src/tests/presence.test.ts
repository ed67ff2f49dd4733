import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../test-support/eventually.ts';
import { DB_KINDS, call, makeTeam, makeUser, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';

describe.each(DB_KINDS)('who has a case open (%s)', (kind) => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let outsider: TestUser;
  let caseId: string;

  beforeAll(async () => {
    t = await startTestApp(kind);
    const team = await makeTeam(t.db, 'Care');
    const other = await makeTeam(t.db, 'Other');
    alice = await makeUser(t.db, { role: 'agent', teamIds: [team], name: 'Alice' });
    bob = await makeUser(t.db, { role: 'agent', teamIds: [team], name: 'Bob' });
    outsider = await makeUser(t.db, { role: 'agent', teamIds: [other] });
    caseId = (await call(t, alice, 'POST', '/api/v1/cases', { subject: 'Refund', teamId: team })).data.id;
  });
  afterAll(() => t.close());

  it('shows the other viewers, not yourself, and forgets those who leave', async () => {
    const names = async (u: TestUser) =>
      (await call(t, u, 'GET', `/api/v1/cases/${caseId}/viewers`)).data.viewers.map((v: { name: string }) => v.name).sort();
    expect((await call(t, alice, 'POST', `/api/v1/cases/${caseId}/viewing`, {})).data.viewers).toEqual([]);
    await eventually(async () => expect(await names(bob)).toEqual(['Alice']));
    await call(t, bob, 'POST', `/api/v1/cases/${caseId}/viewing`, {});
    await eventually(async () => expect(await names(alice)).toEqual(['Alice', 'Bob']));
    expect((await call(t, bob, 'DELETE', `/api/v1/cases/${caseId}/viewing`)).statusCode).toBe(204);
    await eventually(async () => expect(await names(alice)).toEqual(['Alice']));
  });

  it('answers 404 to a user who may not see the case and 401 without credentials', async () => {
    expect((await call(t, outsider, 'GET', `/api/v1/cases/${caseId}/viewers`)).statusCode).toBe(404);
    expect((await call(t, outsider, 'POST', `/api/v1/cases/${caseId}/viewing`, {})).statusCode).toBe(404);
    expect((await call(t, null, 'GET', `/api/v1/cases/${caseId}/viewers`)).statusCode).toBe(401);
  });
});
