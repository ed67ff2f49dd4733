import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, fixedClock, startTestApp, type TestApp } from '../test-support/harness.ts';
import { expectProblem, makeOrg, type Org } from '../test-support/case-fixtures.ts';

const LEASE_MS = 30_000;

describe.each(DB_KINDS)('Idempotency-Key lease: a reservation left by a dead request (%s)', (kind) => {
  let t: TestApp;
  let o: Org;
  const clock = fixedClock(new Date('2026-03-02T10:00:00Z'));

  beforeAll(async () => {
    t = await startTestApp(kind, { clock, config: { idempotencyLeaseMs: LEASE_MS, idempotencyWaitMs: 1500 } });
    o = await makeOrg(t);
  });
  afterAll(() => t.close());

  /** The row a process leaves when it dies after reserving the key and before answering. */
  const leaveDeadReservation = (key: string, leaseUntil: Date) =>
    t.db.kysely
      .insertInto('idempotency_keys')
      .values({
        scope: `${o.agent.id}:/api/v1/cases`,
        key,
        status_code: 0,
        body: 'null',
        holder: 'a-process-that-died',
        lease_until: leaseUntil,
      })
      .execute();

  const create = (key: string, subject: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      payload: { subject, teamId: o.teamA },
      headers: { ...o.agent.headers, 'content-type': 'application/json', 'idempotency-key': key },
    });
  const casesNamed = async (subject: string) =>
    (await t.db.kysely.selectFrom('cases').select('id').where('subject', '=', subject).execute()).map((r) => r.id);
  const answer = (res: Awaited<ReturnType<typeof create>>) => ({ statusCode: res.statusCode, headers: res.headers, data: res.json() });

  it('before the lease ends a repeat gets 409 and nothing is created; after it, the repeat runs once and its answer is kept', async () => {
    await leaveDeadReservation('dead-1', new Date(clock.now().getTime() + LEASE_MS));
    expectProblem(answer(await create('dead-1', 'Lease one')), 409, 'conflict');
    expect(await casesNamed('Lease one')).toEqual([]);

    clock.advance(LEASE_MS + 1);
    const taken = await create('dead-1', 'Lease one');
    expect(taken.statusCode).toBe(201);
    expect(taken.headers['idempotent-replayed']).toBeUndefined();
    expect(await casesNamed('Lease one')).toEqual([taken.json().id]);

    const replay = await create('dead-1', 'Lease one');
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json().id).toBe(taken.json().id);
    expect(await casesNamed('Lease one')).toHaveLength(1);
  });

  it('concurrent repeats after the lease ended: exactly one runs, the others get its answer', async () => {
    await leaveDeadReservation('dead-2', new Date(clock.now().getTime() - 1));
    const answers = await Promise.all(Array.from({ length: 6 }, () => create('dead-2', 'Lease two')));
    const created = await casesNamed('Lease two');
    expect(created).toHaveLength(1);
    for (const a of answers) {
      expect(a.statusCode).toBe(201);
      expect(a.json().id).toBe(created[0]);
    }
    expect(answers.filter((a) => a.headers['idempotent-replayed'] !== 'true')).toHaveLength(1);
  });

  it('a request that is refused releases its key, and the repeat runs afresh', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      payload: { subject: 'Lease four', teamId: o.teamB },
      headers: { ...o.agent.headers, 'content-type': 'application/json', 'idempotency-key': 'fails-1' },
    });
    expect(bad.statusCode).toBe(403);
    const good = await create('fails-1', 'Lease four');
    expect(good.statusCode).toBe(201);
    expect(await casesNamed('Lease four')).toEqual([good.json().id]);
  });
});
