import { sql } from 'kysely';
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

  it('the work and its stored answer commit together: when the answer cannot be written, nothing was done, and the repeat creates once', async () => {
    // What a process meets when its database goes away between the work and the answer: the
    // statement that keeps the answer fails. (A trigger of the test's own makes it fail.)
    await sql`CREATE FUNCTION test_answer_fails() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.key = 'answer-fails' AND NEW.status_code <> 0 THEN RAISE EXCEPTION 'the database went away'; END IF; RETURN NEW; END $$`.execute(
      t.db.kysely,
    );
    await sql`CREATE TRIGGER test_answer_fails BEFORE UPDATE ON idempotency_keys FOR EACH ROW EXECUTE FUNCTION test_answer_fails()`.execute(
      t.db.kysely,
    );
    try {
      const failed = await create('answer-fails', 'Lease five');
      expect(failed.statusCode).toBe(500);
      expect(await casesNamed('Lease five')).toEqual([]);
    } finally {
      await sql`DROP TRIGGER test_answer_fails ON idempotency_keys`.execute(t.db.kysely);
      await sql`DROP FUNCTION test_answer_fails()`.execute(t.db.kysely);
    }
    const repeat = await create('answer-fails', 'Lease five');
    expect(repeat.statusCode).toBe(201);
    expect(repeat.headers['idempotent-replayed']).toBeUndefined();
    expect(await casesNamed('Lease five')).toEqual([repeat.json().id]);
    const again = await create('answer-fails', 'Lease five');
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await casesNamed('Lease five')).toHaveLength(1);
  });

  it('a note posted with a key is written once, and its repeat answers with the same message', async () => {
    const made = await create('reply-case', 'Lease six');
    const caseId = made.json().id as string;
    const reply = (key: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/cases/${caseId}/messages`,
        payload: { body: 'Noted, thank you.', internal: true },
        headers: { ...o.agent.headers, 'content-type': 'application/json', 'idempotency-key': key },
      });
    const first = await reply('note-1');
    expect(first.statusCode).toBe(201);
    const second = await reply('note-1');
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json().id).toBe(first.json().id);
    const notes = await t.db.kysely
      .selectFrom('messages')
      .select('id')
      .where('case_id', '=', caseId)
      .where('body', '=', 'Noted, thank you.')
      .execute();
    expect(notes.map((n) => n.id)).toEqual([first.json().id]);
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
