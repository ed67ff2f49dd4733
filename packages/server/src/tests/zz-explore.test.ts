import { it } from 'vitest';
import { call, makeTeam, makeUser, startTestApp } from '../test-support/harness.ts';
import * as P from '../http/problems.ts';
it('explore', async () => {
  const orig = P.toProblem;
  const t = await startTestApp('pglite');
  t.app.addHook('onError', async (_req, _reply, err: any) => { console.log(JSON.stringify(err.validation), err.validationContext); });
  const team = await makeTeam(t.db, 'A');
  const admin = await makeUser(t.db, { role: 'admin', teamIds: [team] });
  await call(t, admin, 'POST', '/api/v1/cases', { subject: 'x', teamId: team, bogus: 1 });
  await call(t, admin, 'POST', '/api/v1/cases', { subject: 'x', teamId: team, customer: { nam: 'x' } });
  await call(t, admin, 'POST', '/api/v1/cases', { subject: 'x', teamId: team, customer: 5 });
  await call(t, admin, 'POST', '/api/v1/cases', { teamId: team});
  await call(t, admin, 'POST', `/api/v1/cases/${team}/wait`, { wakeAt: 'tomorrow'});
  void orig;
  await t.close();
});
