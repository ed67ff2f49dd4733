import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_ROLES, CASE_TYPES, canView, type Actor, type BuiltInRoleId, type CaseFacts, type Status } from '@casework/domain';
import {
  DB_KINDS,
  call,
  listenOnLoopback,
  makeTeam,
  makeUser,
  startTestApp,
  type TestApp,
  type TestUser,
} from '../test-support/harness.ts';
import { prng, seedCase, seededUuid } from '../test-support/case-fixtures.ts';
import { openSse, type SseStream } from '../test-support/sse-client.ts';

/**
 * Live events reach exactly the users canView lets see the case (the hub's mayHear is its twin
 * over a notice's audience): on generated cases, an event on each case is heard by the users the
 * domain's canView names, and by nobody else.
 */
const CASES = 30;
const OPEN_OR_RESOLVED: Status[] = ['new', 'ready', 'waiting', 'resolved'];

describe.each(DB_KINDS)('live events reach the users canView names (%s)', (kind) => {
  let t: TestApp;
  let base: string;
  const streams: SseStream[] = [];
  beforeAll(async () => {
    t = await startTestApp(kind);
    base = await listenOnLoopback(t);
  });
  afterAll(async () => {
    for (const s of streams) s.close();
    await t.close();
  });

  it(`on ${CASES} generated cases and five users`, async () => {
    const rand = prng(kind === 'pglite' ? 5151 : 6262);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    const teams = [await makeTeam(t.db, 'L-A'), await makeTeam(t.db, 'L-B'), await makeTeam(t.db, 'L-C')];
    const [a, b, c] = teams as [string, string, string];
    const specs: { role: BuiltInRoleId; teamIds: string[]; label: string }[] = [
      { role: 'agent', teamIds: [a, b], label: 'agent on A, B' },
      { role: 'agent', teamIds: [c], label: 'agent on C' },
      { role: 'supervisor', teamIds: [a], label: 'supervisor on A' },
      { role: 'viewer', teamIds: [b], label: 'viewer on B' },
      { role: 'admin', teamIds: [], label: 'admin on no team' },
    ];
    const people: { user: TestUser; actor: Actor; label: string }[] = [];
    for (const p of specs) {
      const user = await makeUser(t.db, { role: p.role, teamIds: p.teamIds });
      people.push({
        user,
        label: p.label,
        actor: { id: user.id, permissions: new Set(BUILT_IN_ROLES[p.role].permissions), teamIds: p.teamIds, timeZone: 'UTC' },
      });
    }
    const admin = people.find((p) => p.label.startsWith('admin'))!.user;
    const owners = people.filter((p) => p.actor.permissions.has('case.claim'));
    const cases: CaseFacts[] = [];
    for (let i = 0; i < CASES; i++) {
      const status = pick(OPEN_OR_RESOLVED);
      const f: CaseFacts = {
        id: seededUuid(rand),
        type: pick(CASE_TYPES),
        status,
        resolution: status === 'resolved' ? 'completed' : null,
        resolutionReason: null,
        teamId: pick(teams),
        ownerId: status === 'new' || rand() < 0.3 ? null : pick(owners).user.id,
        collaboratorIds: people.filter(() => rand() < 0.15).map((p) => p.user.id),
        createdAt: new Date(Date.UTC(2026, 2, 1, i)),
        resolvedAt: status === 'resolved' ? new Date(Date.UTC(2026, 2, 2)) : null,
        wakeAt: null,
      };
      cases.push(f);
      await seedCase(t.db, { ...f, collaboratorIds: [...f.collaboratorIds] });
    }
    // Everyone follows the last case: its event, heard by all, tells each stream that every earlier one was judged.
    const barrier = await seedCase(t.db, {
      teamId: a,
      createdAt: new Date(Date.UTC(2026, 2, 3)),
      collaboratorIds: people.map((p) => p.user.id),
    });

    const listening = await Promise.all(
      people.map(async (p) => {
        const s = openSse(`${base}/api/v1/events`, p.user.headers);
        streams.push(s);
        expect(await s.status).toBe(200);
        await s.next((e) => e.event === 'ready', 'ready');
        return s;
      }),
    );
    for (const x of [...cases.map((f) => f.id), barrier]) {
      const r = await call(t, admin, 'POST', `/api/v1/cases/${x}/messages`, { body: 'A note for the property test', internal: true });
      expect(r.statusCode, r.body).toBe(201);
    }
    let heardSome = 0;
    let missedSome = 0;
    for (const [i, p] of people.entries()) {
      const s = listening[i]!;
      await s.next((e) => e.data?.caseId === barrier, `${p.label}: the barrier case's event`);
      const heard = new Set(s.events.map((e) => e.data?.caseId).filter((id) => id && id !== barrier));
      const want = cases.filter((f) => canView(p.actor, f)).map((f) => f.id);
      expect([...heard].sort(), p.label).toEqual([...want].sort());
      if (want.length > 0) heardSome++;
      if (want.length < cases.length) missedSome++;
    }
    // Both sides of the rule are exercised: users who hear some cases and users kept from others.
    expect(heardSome).toBeGreaterThan(3);
    expect(missedSome).toBeGreaterThan(2);
  });
});
