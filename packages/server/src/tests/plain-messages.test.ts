import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '@casework/domain';
import { DB_KINDS, call, startTestApp, type TestApp } from '../test-support/harness.ts';
import { expectRefused, makeOrg, seedCase, type Org } from '../test-support/case-fixtures.ts';
import { fieldLabel, plainMessage } from '../field-messages.ts';

/** What the schema validator says in its own words; none of it may reach a person. */
const RAW = /must match|must NOT|must have required|format "|must be (string|object|integer|number|boolean|array)\b|must be >=|must be <=/;

describe('field messages in plain language (unit)', () => {
  it.each([
    [{ keyword: 'format', params: { format: 'email' } }, 'must be an email address, like name@example.com'],
    [{ keyword: 'format', params: { format: 'date-time' } }, 'must be a date and time, like 2026-05-01T09:00:00Z'],
    [{ keyword: 'maxLength', params: { limit: 300 } }, 'must be at most 300 characters'],
    [{ keyword: 'maxLength', params: { limit: 20000 } }, 'must be at most 20,000 characters'],
    [{ keyword: 'minLength', params: { limit: 1 } }, 'must not be empty'],
    [{ keyword: 'minLength', params: { limit: 8 } }, 'must be at least 8 characters'],
    [{ keyword: 'maximum', params: { limit: 5, comparison: '<=' } }, 'must be at most 5'],
    [{ keyword: 'type', params: { type: 'integer' } }, 'must be a whole number'],
    [{ keyword: 'maxItems', params: { limit: 1 } }, 'must have at most 1 entry'],
    [{ keyword: 'pattern', params: { pattern: '\\S' } }, 'must not be blank'],
    [{ keyword: 'somethingNew', params: {}, message: 'must pass "x" keyword validation' }, 'is not valid'],
  ])('%j → %s', (issue, expected) => {
    expect(plainMessage(issue)).toBe(expected);
  });

  it('names fields as a person reads them', () => {
    expect(['customer.email', 'teamId', 'subject', 'wakeAt', 'querystring.createdFrom', 'autoCloseDays'].map(fieldLabel)).toEqual([
      'Customer email',
      'Team',
      'Subject',
      'Wake time',
      'Created from (in the query)',
      'Auto close days',
    ]);
  });
});

describe.each(DB_KINDS)('plain messages and limits over HTTP (%s)', (kind) => {
  let t: TestApp;
  let o: Org;
  let caseId: string;

  beforeAll(async () => {
    t = await startTestApp(kind);
    o = await makeOrg(t);
    caseId = await seedCase(t.db, { teamId: o.teamA, ownerId: o.agent.id, status: 'ready', createdAt: new Date('2026-05-01T00:00:00Z') });
  });
  afterAll(() => t.close());

  it('a bad email is named in plain words, in the field and the detail', async () => {
    const p = await expectRefused(
      t,
      o.agent,
      'POST',
      '/api/v1/cases',
      { subject: 'Printer', teamId: o.teamA, customer: { email: 'not-an-address' } },
      400,
      'validation_failed',
    );
    expect(p.fields).toEqual([{ field: 'customer.email', message: 'must be an email address, like name@example.com' }]);
    expect(p.detail).toBe('Customer email: must be an email address, like name@example.com');
  });

  it('the subject limit is the shared one: at the limit it is accepted, one over it is refused plainly', async () => {
    const p = await expectRefused(
      t,
      o.agent,
      'POST',
      '/api/v1/cases',
      { subject: 'x'.repeat(1127), teamId: o.teamA },
      400,
      'validation_failed',
    );
    expect(p.fields).toEqual([{ field: 'subject', message: `must be at most ${LIMITS.subject} characters` }]);
    expect(p.detail).toBe(`Subject: must be at most ${LIMITS.subject} characters`);
    await expectRefused(
      t,
      o.agent,
      'POST',
      '/api/v1/cases',
      { subject: 'x'.repeat(LIMITS.subject + 1), teamId: o.teamA },
      400,
      'validation_failed',
    );
    const ok = await call(t, o.agent, 'POST', '/api/v1/cases', { subject: 'x'.repeat(LIMITS.subject), teamId: o.teamA });
    expect(ok.statusCode).toBe(201);
  });

  it('other limits come from the same table (description, customer name, reply, status note)', async () => {
    const d = await expectRefused(
      t,
      o.agent,
      'POST',
      '/api/v1/cases',
      { subject: 's', teamId: o.teamA, description: 'd'.repeat(LIMITS.description + 1) },
      400,
      'validation_failed',
    );
    expect(d.fields).toEqual([{ field: 'description', message: `must be at most ${LIMITS.description.toLocaleString('en')} characters` }]);
    const n = await expectRefused(
      t,
      o.agent,
      'POST',
      '/api/v1/cases',
      { subject: 's', teamId: o.teamA, customer: { name: 'n'.repeat(LIMITS.customerName + 1) } },
      400,
      'validation_failed',
    );
    expect(n.fields).toEqual([{ field: 'customer.name', message: `must be at most ${LIMITS.customerName} characters` }]);
    const m = await expectRefused(
      t,
      o.agent,
      'POST',
      `/api/v1/cases/${caseId}/messages`,
      { body: 'm'.repeat(LIMITS.message + 1) },
      400,
      'validation_failed',
    );
    expect(m.fields).toEqual([{ field: 'body', message: `must be at most ${LIMITS.message.toLocaleString('en')} characters` }]);
    const w = await expectRefused(
      t,
      o.agent,
      'POST',
      `/api/v1/cases/${caseId}/resolve`,
      { resolution: 'completed', note: 'n'.repeat(LIMITS.actionNote + 1) },
      400,
      'validation_failed',
    );
    expect(w.fields).toEqual([{ field: 'note', message: `must be at most ${LIMITS.actionNote.toLocaleString('en')} characters` }]);
  });

  it('no validator wording reaches the answer, whatever is wrong', async () => {
    const bad: [string, string, unknown][] = [
      ['POST', '/api/v1/cases', { subject: '', teamId: 'abc' }],
      ['POST', '/api/v1/cases', { subject: 1, teamId: o.teamA, ownerId: 7, customer: { email: 'x', phone: 'p'.repeat(41) } }],
      ['POST', '/api/v1/cases', {}],
      ['POST', `/api/v1/cases/${caseId}/wait`, { wakeAt: 'soon' }],
      ['POST', `/api/v1/cases/${caseId}/messages`, { body: '', internal: 'yes' }],
      ['GET', '/api/v1/cases?limit=0', undefined],
      ['GET', '/api/v1/cases?limit=abc', undefined],
      ['PATCH', '/api/v1/me', { password: 'short', currentPassword: '' }],
    ];
    for (const [method, url, body] of bad) {
      const res = await call(t, o.agent, method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(400);
      for (const f of res.data.fields) expect(f.message, `${method} ${url} ${f.field}`).not.toMatch(RAW);
      expect(res.data.detail, `${method} ${url}`).not.toMatch(RAW);
    }
    const empty = await call(t, o.agent, 'POST', '/api/v1/cases', { subject: '', teamId: 'abc' });
    expect([...empty.data.fields].sort((a, b) => a.field.localeCompare(b.field))).toEqual([
      { field: 'subject', message: 'must not be empty' },
      { field: 'teamId', message: 'must be an id (a UUID)' },
    ]);
  });

  it('an agent may create only on their own teams and name only themselves (the domain rules), in plain words', async () => {
    const team = await expectRefused(t, o.agent, 'POST', '/api/v1/cases', { subject: 's', teamId: o.teamB }, 403, 'forbidden');
    expect(team.detail).toBe('You can only create cases on your own teams.');
    const owner = await expectRefused(
      t,
      o.agent,
      'POST',
      '/api/v1/cases',
      { subject: 's', teamId: o.teamA, ownerId: o.agent2.id },
      403,
      'forbidden',
    );
    expect(owner.detail).toBe('You can only name yourself as the owner of a case you create.');
    const self = await call(t, o.agent, 'POST', '/api/v1/cases', { subject: 's', teamId: o.teamA, ownerId: o.agent.id });
    expect(self.statusCode).toBe(201);
    const sup = await call(t, o.supervisor, 'POST', '/api/v1/cases', { subject: 's', teamId: o.teamB, ownerId: o.agentB.id });
    expect(sup.statusCode).toBe(201);
  });
});
