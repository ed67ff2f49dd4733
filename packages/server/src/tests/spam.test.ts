import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, fixedClock, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { expectRefused, makeOrg, seedCase, type Org } from '../test-support/case-fixtures.ts';
import { expectForbidden, expectInvalid, expectProblem } from './admin-support.ts';
import { runTimersOnce } from '../jobs/timers.ts';
import { writeBytes } from '../attachments/store.ts';
import { mayAutoMailTo } from '../use-cases/mailbox/may-auto-mail.ts';
import { uuidv7 } from '../ids.ts';

const NOW = new Date('2026-05-04T10:00:00.000Z');
const EARLIER = new Date('2026-05-01T09:00:00.000Z');
const DAY = 86_400_000;

/**
 * Spam (SPEC §13): marking a case as spam and back through the lifecycle's rules, blocking its
 * sender or domain, the blocklist, spam kept out of lists, queues and My Work, and its deletion
 * after the organisation's retention period.
 */
describe.each(DB_KINDS)('spam and the blocklist (%s)', (kind) => {
  let t: TestApp;
  let o: Org;
  const clock = fixedClock(NOW);
  let n = 0;
  const seed = (c: Partial<Parameters<typeof seedCase>[1]> = {}) =>
    seedCase(t.db, {
      teamId: o.teamA,
      createdAt: new Date(EARLIER.getTime() + ++n * 1000),
      customer: { name: 'Sal Spammer', email: `sal${n}@Junk.Example` },
      ...c,
    });
  const act = (user: TestUser | null, id: string, action: string, body?: unknown) =>
    call(t, user, 'POST', `/api/v1/cases/${id}/${action}`, body);
  const history = async (id: string) =>
    (await call(t, o.admin, 'GET', `/api/v1/cases/${id}/events`)).data.events.map((e: { type: string; data: unknown }) => [e.type, e.data]);
  const listIds = async (user: TestUser, query = '') =>
    ((await call(t, user, 'GET', `/api/v1/cases?limit=100${query}`)).data.cases as { id: string }[]).map((c) => c.id);
  const blocklist = async () => (await call(t, o.admin, 'GET', '/api/v1/blocklist')).data.entries as { kind: string; value: string }[];

  beforeAll(async () => {
    t = await startTestApp(kind, { clock });
    o = await makeOrg(t);
  });
  afterAll(() => t.close());

  describe('POST /cases/:id/spam and /not-spam', () => {
    it('guards: 401, 404 for another team, 403 naming spam for a viewer and an agent who does not own it', async () => {
      const id = await seed({ ownerId: o.agent.id });
      await expectRefused(t, null, 'POST', `/api/v1/cases/${id}/spam`, {}, 401, 'unauthenticated');
      await expectRefused(t, o.agentB, 'POST', `/api/v1/cases/${id}/spam`, {}, 404, 'not_found');
      expect((await expectRefused(t, o.viewer, 'POST', `/api/v1/cases/${id}/spam`, {}, 403, 'forbidden')).action).toBe('spam');
      expect((await expectRefused(t, o.agent2, 'POST', `/api/v1/cases/${id}/spam`, {}, 403, 'forbidden')).action).toBe('spam');
      await expectRefused(t, o.agent, 'POST', `/api/v1/cases/${id}/spam`, { block: 'everyone' }, 400, 'validation_failed');
      await expectRefused(t, o.agent, 'POST', `/api/v1/cases/${id}/not-spam`, {}, 409, 'transition_not_allowed');
    });

    it('the owner marks their case as spam: status spam, wake time gone, only "not spam" offered, recorded; and back to ready', async () => {
      const id = await seed({ ownerId: o.agent.id, status: 'waiting', wakeAt: new Date(NOW.getTime() + DAY) });
      const r = await act(o.agent, id, 'spam', {});
      expect(r.statusCode).toBe(200);
      expect(r.data).toMatchObject({ status: 'spam', ownerId: o.agent.id, wakeAt: null, resolution: null, actions: ['not_spam'] });
      expect((await call(t, o.supervisor, 'GET', `/api/v1/cases/${id}`)).data.actions).toEqual(['not_spam']);
      // Nobody writes on spam: no reply, no note.
      expectProblem(await act(o.agent, id, 'messages', { body: 'Hello?' }), 403, 'forbidden');
      const back = await act(o.agent, id, 'not-spam', {});
      expect(back.data).toMatchObject({ status: 'ready', ownerId: o.agent.id });
      expect(await history(id)).toEqual([
        ['case.status_changed', { from: 'waiting', to: 'spam', reason: 'spam' }],
        ['case.status_changed', { from: 'spam', to: 'ready', reason: 'not_spam' }],
      ]);
    });

    it('spam is not open: out of the queue, My Work, the open counts; listed only with status=spam; not spam puts it back in the queue', async () => {
      const queued = await seed({ teamId: o.teamB });
      const owned = await seed({ teamId: o.teamB, ownerId: o.agentB.id });
      const followed = await seed({ teamId: o.teamB, collaboratorIds: [o.agentB.id] });
      expect((await call(t, o.agentB, 'GET', '/api/v1/me/work')).data.unassignedCount).toBe(2);
      const backlog = async () =>
        (await call(t, o.admin, 'GET', `/api/v1/reports/summary?from=2026-05-04&to=2026-05-04&teamId=${o.teamB}`)).data.daily.at(-1)
          .backlog as number;
      const open = await backlog();
      expect(open).toBeGreaterThanOrEqual(3);
      for (const id of [queued, owned, followed]) expect((await act(o.supervisor, id, 'spam', {})).data.status).toBe('spam');
      const work = (await call(t, o.agentB, 'GET', '/api/v1/me/work')).data;
      expect(work.unassignedCount).toBe(0);
      expect(work.next).toBeNull();
      for (const s of work.sections) expect(s.count, s.key).toBe(0);
      expectProblem(await call(t, o.agentB, 'POST', '/api/v1/me/work/claim-next'), 404, 'queue_empty');
      // Claiming a spam case is not possible either.
      expectProblem(await act(o.agentB, queued, 'claim'), 409, 'transition_not_allowed');
      const listed = await listIds(o.agentB);
      for (const id of [queued, owned, followed]) expect(listed).not.toContain(id);
      expect((await call(t, o.agentB, 'GET', '/api/v1/cases?limit=100')).data.total).toBe(listed.length);
      expect(await listIds(o.agentB, `&teamId=${o.teamB}`)).toEqual([]);
      expect((await listIds(o.agentB, '&status=spam')).sort()).toEqual([queued, owned, followed].sort());
      expect((await listIds(o.agentB, '&status=new,spam')).sort()).toEqual([queued, owned, followed].sort());
      // A search finds it only when asked for spam too.
      const subject = (await call(t, o.admin, 'GET', `/api/v1/cases/${queued}`)).data.subject as string;
      expect(await listIds(o.admin, `&q=${encodeURIComponent(subject)}`)).not.toContain(queued);
      expect(await listIds(o.admin, `&q=${encodeURIComponent(subject)}&status=spam`)).toContain(queued);
      // Reports' open backlog does not count it.
      expect(await backlog()).toBe(open - 3);
      // Not spam: unowned → new, in the team's queue again; owned → ready.
      expect((await act(o.supervisor, queued, 'not-spam', {})).data.status).toBe('new');
      expect((await act(o.supervisor, owned, 'not-spam', {})).data.status).toBe('ready');
      expect(await backlog()).toBe(open - 1);
      expect((await call(t, o.agentB, 'GET', '/api/v1/me/work')).data.unassignedCount).toBe(1);
      expect((await call(t, o.agentB, 'POST', '/api/v1/me/work/claim-next')).data.id).toBe(queued);
    });

    it('409 on a closed case or one already spam', async () => {
      const closed = await seed({ ownerId: o.agent.id, status: 'closed' });
      await expectRefused(t, o.supervisor, 'POST', `/api/v1/cases/${closed}/spam`, {}, 409, 'transition_not_allowed');
      const spam = await seed({ status: 'spam', spamAt: NOW });
      expect((await call(t, o.supervisor, 'GET', `/api/v1/cases/${spam}`)).data.actions).toEqual(['not_spam']);
      await expectRefused(t, o.supervisor, 'POST', `/api/v1/cases/${spam}/spam`, {}, 409, 'transition_not_allowed');
    });

    it('a resolved or canceled case can be marked as spam, and is then neither', async () => {
      const resolved = await seed({ ownerId: o.agent.id, status: 'resolved' });
      expect((await act(o.agent, resolved, 'spam', {})).data).toMatchObject({ status: 'spam', resolution: null, resolvedAt: null });
      const canceled = await seed({ status: 'canceled' });
      expect((await act(o.supervisor, canceled, 'spam', {})).data).toMatchObject({ status: 'spam', resolution: null });
    });

    it('block: sender adds the customer’s address, domain its domain, in the same change (recorded on the case)', async () => {
      const before = await blocklist();
      const a = await seed();
      const r = await act(o.supervisor, a, 'spam', { block: 'sender' });
      expect(r.data.status).toBe('spam');
      const email = `sal${n}@junk.example`;
      const b = await seed();
      await act(o.supervisor, b, 'spam', { block: 'domain' });
      // The same domain again: already listed, kept once.
      const c = await seed();
      await act(o.supervisor, c, 'spam', { block: 'domain' });
      const after = await blocklist();
      expect(after.length).toBe(before.length + 2);
      expect(after).toEqual(
        expect.arrayContaining([
          { kind: 'email', value: email, createdAt: NOW.toISOString() },
          { kind: 'domain', value: 'junk.example', createdAt: NOW.toISOString() },
        ]),
      );
      expect(await history(a)).toEqual([
        ['case.status_changed', { from: 'new', to: 'spam', reason: 'spam' }],
        ['case.sender_blocked', { kind: 'email', value: email, alreadyBlocked: false }],
      ]);
      expect((await history(c))[1]).toEqual(['case.sender_blocked', { kind: 'domain', value: 'junk.example', alreadyBlocked: true }]);
      // No automatic mail goes to a blocked address, nor to anyone about a spam case.
      expect(await mayAutoMailTo(t.db.kysely, email)).toEqual({ ok: false, reason: 'blocked' });
      expect(await mayAutoMailTo(t.db.kysely, 'ok@fine.example', { caseId: a })).toEqual({ ok: false, reason: 'spam' });
      expect(await mayAutoMailTo(t.db.kysely, 'ok@fine.example')).toEqual({ ok: true });
      await call(t, o.admin, 'DELETE', '/api/v1/blocklist', {
        entries: [
          { kind: 'email', value: email },
          { kind: 'domain', value: 'junk.example' },
        ],
      });
    });

    it('block on a case whose customer has no email address: 400 naming block, nothing changed', async () => {
      const id = await seed({ customer: { name: 'Phone only', phone: '+4930123456' } });
      const before = await blocklist();
      const p = await expectRefused(t, o.supervisor, 'POST', `/api/v1/cases/${id}/spam`, { block: 'domain' }, 400, 'validation_failed');
      expect(p.fields.map((f: { field: string }) => f.field)).toEqual(['block']);
      expect(await blocklist()).toEqual(before);
      // Without a block it is marked.
      expect((await act(o.supervisor, id, 'spam', {})).data.status).toBe('spam');
    });
  });

  describe('GET/POST/DELETE /blocklist', () => {
    it('administrators only', async () => {
      expectProblem(await call(t, null, 'GET', '/api/v1/blocklist'), 401, 'unauthenticated');
      expectForbidden(await call(t, o.supervisor, 'GET', '/api/v1/blocklist'), 'admin.channels');
      expectForbidden(
        await call(t, o.agent, 'POST', '/api/v1/blocklist', { entries: [{ kind: 'domain', value: 'x.example' }] }),
        'admin.channels',
      );
      expectForbidden(
        await call(t, o.agent, 'DELETE', '/api/v1/blocklist', { entries: [{ kind: 'domain', value: 'x.example' }] }),
        'admin.channels',
      );
    });

    it('adds (normalised, once), lists newest first, removes; bad values are 400 naming the entry and change nothing', async () => {
      const r = await call(t, o.admin, 'POST', '/api/v1/blocklist', {
        entries: [
          { kind: 'email', value: ' Eve@Phish.Example ' },
          { kind: 'domain', value: '@Spam.Example' },
          { kind: 'domain', value: 'spam.example' },
        ],
      });
      expect(r.statusCode).toBe(200);
      expect(r.data.entries).toEqual(
        expect.arrayContaining([
          { kind: 'email', value: 'eve@phish.example', createdAt: NOW.toISOString() },
          { kind: 'domain', value: 'spam.example', createdAt: NOW.toISOString() },
        ]),
      );
      expect(r.data.entries).toHaveLength(2);
      expect(await blocklist()).toEqual(r.data.entries);
      const before = await blocklist();
      for (const [entries, field] of [
        [
          [
            { kind: 'email', value: 'ok@fine.example' },
            { kind: 'email', value: 'not-an-address' },
          ],
          'entries[1].value',
        ],
        [[{ kind: 'domain', value: 'ann@cust.example' }], 'entries[0].value'],
        [[{ kind: 'domain', value: 'localhost' }], 'entries[0].value'],
        [[{ kind: 'domain', value: 'has space.example' }], 'entries[0].value'],
        [[{ kind: 'sender', value: 'x.example' }], 'entries'],
        [[], 'entries'],
      ] as const) {
        expectInvalid(await call(t, o.admin, 'POST', '/api/v1/blocklist', { entries }), field);
        expect(await blocklist()).toEqual(before);
      }
      expectInvalid(await call(t, o.admin, 'POST', '/api/v1/blocklist', {}), 'entries');
      expectInvalid(
        await call(t, o.admin, 'DELETE', '/api/v1/blocklist', { entries: [{ kind: 'email', value: 'nope' }] }),
        'entries[0].value',
      );
      expect(await blocklist()).toEqual(before);
      const d = await call(t, o.admin, 'DELETE', '/api/v1/blocklist', {
        entries: [
          { kind: 'email', value: 'EVE@phish.example' },
          { kind: 'domain', value: 'never-listed.example' },
        ],
      });
      expect(d.statusCode).toBe(200);
      expect(d.data.entries).toEqual([{ kind: 'domain', value: 'spam.example', createdAt: NOW.toISOString() }]);
      await call(t, o.admin, 'DELETE', '/api/v1/blocklist', { entries: [{ kind: 'domain', value: 'spam.example' }] });
      expect(await blocklist()).toEqual([]);
    });
  });

  describe('retention', () => {
    it('spam is deleted after the organisation’s days with its messages, files and the mails that made it; other cases stay', async () => {
      expectInvalid(await call(t, o.admin, 'PATCH', '/api/v1/organisation', { spamRetentionDays: 0 }), 'spamRetentionDays');
      expect((await call(t, o.admin, 'PATCH', '/api/v1/organisation', { spamRetentionDays: 3 })).data.spamRetentionDays).toBe(3);
      const old = await seed({ ownerId: o.agent.id });
      const note = await act(o.agent, old, 'messages', { body: 'Looks fishy', internal: true });
      expect(note.statusCode).toBe(201);
      const fileId = uuidv7();
      await t.db.kysely
        .insertInto('message_attachments')
        .values({
          id: fileId,
          message_id: note.data.id,
          filename: 'x.bin',
          content_type: 'application/octet-stream',
          size: 3,
          state: 'stored',
          content_id: null,
          created_at: NOW,
        })
        .execute();
      const kept = await writeBytes(t.db.kysely, t.db.filesDir, fileId, Buffer.from('abc'));
      await t.db.kysely.updateTable('message_attachments').set({ file_path: kept.filePath }).where('id', '=', fileId).execute();
      await t.db.kysely
        .insertInto('inbound_messages')
        .values({
          id: uuidv7(),
          channel_id: (await makeChannel()).id,
          provider_id: `<spam-${kind}@junk.example>`,
          payload: JSON.stringify({ body: 'Buy now' }),
          received_at: NOW,
          processed_at: NOW,
          case_id: old,
          next_attempt_at: NOW,
        })
        .execute();
      const followUp = await seed();
      await t.db.kysely.updateTable('cases').set({ follow_up_of: old }).where('id', '=', followUp).execute();
      await act(o.agent, old, 'spam', {});
      clock.set(new Date(NOW.getTime() + 2 * DAY));
      const young = await seed({ ownerId: o.agent.id });
      await act(o.agent, young, 'spam', {});
      const restored = await seed();
      await act(o.supervisor, restored, 'spam', {});
      await act(o.supervisor, restored, 'not-spam', {});
      const resolved = await seed({ status: 'resolved', resolvedAt: EARLIER });

      clock.set(new Date(NOW.getTime() + 3 * DAY - 1));
      expect((await runTimersOnce(t.deps)).spamDeleted).toBe(0);
      clock.set(new Date(NOW.getTime() + 3 * DAY));
      expect((await runTimersOnce(t.deps)).spamDeleted).toBeGreaterThanOrEqual(1);
      expectProblem(await call(t, o.admin, 'GET', `/api/v1/cases/${old}`), 404, 'not_found');
      const left = (table: 'messages' | 'case_events' | 'inbound_messages') =>
        t.db.kysely.selectFrom(table).select('case_id').where('case_id', '=', old).execute();
      expect(await left('messages')).toEqual([]);
      expect(await left('case_events')).toEqual([]);
      expect(await left('inbound_messages')).toEqual([]);
      expect(await t.db.kysely.selectFrom('message_attachments').select('id').where('id', '=', fileId).execute()).toEqual([]);
      expect(await t.db.kysely.selectFrom('attachment_chunks').select('seq').where('attachment_id', '=', fileId).execute()).toEqual([]);
      // On the embedded database the bytes were a file in its files folder: gone with the row.
      if (t.db.filesDir) expect(fs.existsSync(path.join(t.db.filesDir, kept.filePath!))).toBe(false);
      else expect(kept.filePath).toBeNull();
      expect((await call(t, o.admin, 'GET', `/api/v1/cases/${followUp}`)).data.followUpOf).toBeNull();
      for (const id of [young, restored, resolved]) expect((await call(t, o.admin, 'GET', `/api/v1/cases/${id}`)).statusCode).toBe(200);
      // Run again: nothing more is due.
      expect((await runTimersOnce(t.deps)).spamDeleted).toBe(0);
      clock.set(new Date(NOW.getTime() + 5 * DAY));
      await runTimersOnce(t.deps);
      expectProblem(await call(t, o.admin, 'GET', `/api/v1/cases/${young}`), 404, 'not_found');
      clock.set(NOW);
    });
  });

  let channel: { id: string } | null = null;
  async function makeChannel(): Promise<{ id: string }> {
    if (channel) return channel;
    const r = await call(t, o.admin, 'POST', '/api/v1/channels', {
      type: 'email',
      name: `Spam desk ${kind}`,
      teamId: o.teamA,
      settings: { address: `desk-${kind}@acme.test` },
    });
    expect(r.statusCode).toBe(201);
    channel = { id: r.data.id };
    return channel;
  }
});
