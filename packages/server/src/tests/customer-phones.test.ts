import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, makeTeam, makeUser, sql, type TestUser } from '../test-support/harness.ts';
import { postSigned, startChannelServer, type ChannelServer } from '../test-support/channel-harness.ts';
import { expectProblem, expectRefused } from '../test-support/case-fixtures.ts';
import { data as migratePhones } from '../db/migrations/035-phone-e164.ts';
import { uuidv7 } from '../ids.ts';

// Issue 14: one phone number, however it is written, is one customer (E.164; the rule is phone.ts).
describe.each(DB_KINDS)('customer phone numbers in E.164 (%s)', (kind) => {
  let s: ChannelServer;
  let team: string;
  let admin: TestUser;
  let agent: TestUser;
  let sms: { id: string };
  let voice: { id: string };
  const TOKEN = 'sms-secret-token';
  const VOICE_TOKEN = 'voice-secret-token';

  const phoneOf = async (customerId: string) =>
    (await sql<{ phone: string | null }>`SELECT phone FROM customers WHERE id = ${customerId}::uuid`.execute(s.db.kysely)).rows[0]?.phone;
  const create = async (subject: string, customer: object) => {
    const r = await call(s, agent, 'POST', '/api/v1/cases', { subject, teamId: team, customer });
    expect(r.statusCode).toBe(201);
    return r.data as { id: string; customer: { id: string; phone: string | null } };
  };

  beforeAll(async () => {
    s = await startChannelServer(kind);
    team = await makeTeam(s.db, 'Phones');
    admin = await makeUser(s.db, { role: 'admin' });
    agent = await makeUser(s.db, { role: 'agent', teamIds: [team] });
    const a = await call(s, admin, 'POST', '/api/v1/channels', {
      type: 'sms',
      name: 'SMS',
      teamId: team,
      settings: { accountSid: 'AC123', phoneNumber: '+15550000', authToken: TOKEN },
    });
    expect(a.statusCode).toBe(201);
    sms = a.data;
    const b = await call(s, admin, 'POST', '/api/v1/channels', {
      type: 'phone',
      name: 'Hotline',
      teamId: team,
      settings: { authToken: VOICE_TOKEN },
    });
    expect(b.statusCode).toBe(201);
    voice = b.data;
  });
  afterAll(() => s.close());

  it('a new case stores the phone in E.164, and the same number written another way reaches the same customer', async () => {
    const a = await create('From the form', { name: 'Pat Form', phone: '+1 (555) 010-2000' });
    expect(a.customer.phone).toBe('+15550102000');
    const b = await create('Typed compactly', { phone: '+15550102000' });
    expect(b.customer.id).toBe(a.customer.id);
    expect(await phoneOf(a.customer.id)).toBe('+15550102000');
  });

  it('an inbound SMS and call from the number written by the provider reach that customer', async () => {
    const [pat] = (await call(s, agent, 'GET', '/api/v1/customers?q=Pat%20Form')).data.customers;
    const r = await postSigned(
      s.base,
      `/webhooks/sms/${sms.id}`,
      { MessageSid: 'SM1', From: '+15550102000', To: '+15550000', Body: 'Hi' },
      TOKEN,
    );
    expect(r.status).toBe(200);
    const v = await postSigned(
      s.base,
      `/webhooks/voice/${voice.id}`,
      { CallSid: 'CA1', From: '+1 555-010-2000', To: '+15550001' },
      VOICE_TOKEN,
    );
    expect(v.status).toBe(200);
    const profile = await call(s, agent, 'GET', `/api/v1/customers/${pat.id}`);
    expect(profile.data.cases.map((c: { type: string }) => c.type).sort()).toEqual(['phone', 'platform', 'platform', 'sms']);
  });

  it('a message from a sender number that is not an international one is still taken, the number kept as given', async () => {
    const r = await postSigned(
      s.base,
      `/webhooks/sms/${sms.id}`,
      { MessageSid: 'SM2', From: 'ACME-ALERT', To: '+15550000', Body: 'Promo' },
      TOKEN,
    );
    expect(r.status).toBe(200);
    const listed = (await call(s, admin, 'GET', '/api/v1/cases?type=sms')).data.cases as { customer: { phone: string } }[];
    expect(listed.map((c) => c.customer.phone)).toContain('ACME-ALERT');
  });

  it('a typed number without a country code is a 400 naming the field; nothing is created or changed', async () => {
    const p = await expectRefused(
      s,
      agent,
      'POST',
      '/api/v1/cases',
      { subject: 'Local number', teamId: team, customer: { name: 'Lou Local', phone: '555 010 2000' } },
      400,
      'validation_failed',
    );
    expect(p.fields.map((f: { field: string }) => f.field)).toEqual(['customer.phone']);
    const c = await create('Edit me', { name: 'Eddie Edit', phone: '+44 20 7946 0958' });
    expect(c.customer.phone).toBe('+442079460958');
    const bad = expectProblem(
      await call(s, agent, 'PATCH', `/api/v1/customers/${c.customer.id}`, { phone: '020 7946 0958' }),
      400,
      'validation_failed',
    );
    expect(bad.fields.map((f: { field: string }) => f.field)).toEqual(['phone']);
    expect(await phoneOf(c.customer.id)).toBe('+442079460958');
    const ok = await call(s, agent, 'PATCH', `/api/v1/customers/${c.customer.id}`, { phone: '+44 (0)20 7946 0959' });
    expect(ok.statusCode).toBe(200);
    expect(ok.data.phone).toBe('+442079460959');
    const cleared = await call(s, agent, 'PATCH', `/api/v1/customers/${c.customer.id}`, { phone: '' });
    expect(cleared.data.phone).toBeNull();
  });

  it('searching a number typed any way finds the customer, in the customer list and in case search', async () => {
    for (const q of ['555 010 2000', '(555) 010-2000', '+1 555 010 2000', '0102000']) {
      const found = (await call(s, agent, 'GET', `/api/v1/customers?q=${encodeURIComponent(q)}`)).data.customers;
      expect(found.map((c: { name: string }) => c.name)).toEqual(['Pat Form']);
    }
    const cases = (await call(s, agent, 'GET', `/api/v1/cases?q=${encodeURIComponent('555 010 2000')}`)).data.cases;
    expect(cases.length).toBeGreaterThan(0);
    expect(cases.every((c: { customer: { name: string } }) => c.customer.name === 'Pat Form')).toBe(true);
  });

  it('an import matches and stores numbers in E.164, keeping one that is not international as given', async () => {
    const r = await call(s, admin, 'POST', '/api/v1/import/cases', {
      cases: [
        {
          subject: 'Old call',
          type: 'phone',
          teamId: team,
          status: 'closed',
          createdAt: '2025-06-01T08:00:00Z',
          customer: { phone: '+1 555 010 2000' },
        },
        {
          subject: 'Old text',
          type: 'sms',
          teamId: team,
          status: 'closed',
          createdAt: '2025-06-02T08:00:00Z',
          customer: { name: 'Lo Cal', phone: '0301234' },
        },
      ],
    });
    expect(r.statusCode).toBe(201);
    const [pat] = (await call(s, agent, 'GET', '/api/v1/customers?q=Pat%20Form')).data.customers;
    const old = await call(s, admin, 'GET', `/api/v1/cases/${r.data.ids[0]}`);
    expect(old.data.customer.id).toBe(pat.id);
    const local = await call(s, admin, 'GET', `/api/v1/cases/${r.data.ids[1]}`);
    expect(local.data.customer.phone).toBe('0301234');
  });

  it('migration 035 rewrites stored numbers that read as international ones and leaves the rest', async () => {
    const rows = [
      ['+1 (555) 010-3000', '+15550103000'],
      ['+49 30 1234567', '+49301234567'],
      ['555-0100', '555-0100'],
      ['ACME', 'ACME'],
      // A second customer with the same number is not merged, and nothing stops two sharing it.
      ['+1 555 010 3000', '+15550103000'],
    ];
    const ids = rows.map(() => uuidv7());
    for (const [i, [raw]] of rows.entries())
      await sql`INSERT INTO customers (id, name, phone, created_at) VALUES (${ids[i]}::uuid, ${`Legacy ${i}`}, ${raw}, now())`.execute(
        s.db.kysely,
      );
    await s.db.kysely.transaction().execute((trx) => migratePhones(trx));
    for (const [i, [, expected]] of rows.entries()) expect(await phoneOf(ids[i]!)).toBe(expected);
  });
});
