import http from 'node:http';
import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import { uuidv7Many } from '../ids.ts';
import { twilioSignature } from '../channels/sms/twilio-signature.ts';
import { openEvents, request } from './http.ts';
import type { Org } from './org.ts';
import type { Target } from './scenarios.ts';
import { lanes, latency, now, sleep, type Latency } from './stats.ts';

const SMS_TOKEN = 'bench-sms-token';

/** A signed Twilio-style SMS webhook, as a provider posts it (form-encoded). */
function postSms(t: Target, channelId: string, params: Record<string, string>): Promise<number> {
  const u = new URL(t.base);
  const path = `/webhooks/sms/${channelId}`;
  const body = Buffer.from(new URLSearchParams(params).toString());
  const signature = twilioSignature(SMS_TOKEN, `${t.base}${path}`, params);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        method: 'POST',
        path,
        agent: t.agent,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': String(body.length),
          'x-twilio-signature': signature,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** An SMS channel on a team (its inbound webhook is how customer messages arrive here). */
async function smsChannel(t: Target, org: Org, teamId: string): Promise<string> {
  const r = await request(t.agent, t.base, 'POST', '/api/v1/channels', org.adminToken, {
    type: 'sms',
    name: `Bench SMS ${teamId.slice(-4)}`,
    teamId,
    // Replies are never sent by the benchmark: the provider is never called.
    settings: {
      accountSid: 'ACbench',
      phoneNumber: `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`,
      authToken: SMS_TOKEN,
    },
  });
  if (r.status !== 201) throw new Error(`creating the SMS channel answered ${r.status}: ${r.body}`);
  return (JSON.parse(r.body) as { id: string }).id;
}

/** The team with the most members (followers must be able to see the case). */
function biggestTeam(org: Org): string {
  return [...org.members].sort((x, y) => y[1].length - x[1].length)[0]![0];
}

let smsSeq = 0;
const sms = (from: string, text: string) => ({ MessageSid: `SMbench${Date.now()}${smsSeq++}`, From: from, To: '+15550000', Body: text });

/**
 * A case with up to 50 followers gets a customer message (SMS webhook, process A); every
 * follower's event stream (process B) must receive `notification.created` for it. Measured from
 * sending the message to the arrival of the last follower's event; one sample per case.
 */
export async function measureFollowerBells(
  a: Target,
  b: Target,
  org: Org,
  rounds: number,
): Promise<Latency & { followers: number; missed: number }> {
  const team = biggestTeam(org);
  const followers = org.members
    .get(team)!
    .slice(0, 50)
    .map((i) => org.agents[i]!);
  const channel = await smsChannel(a, org, team);
  const waiting = new Map<string, { left: Set<string>; done: (at: bigint) => void }>();
  const streams = await Promise.all(
    followers.map((f) =>
      openEvents(b.base, f.token, (e) => {
        if (e.event !== 'notification.created') return;
        const w = waiting.get(String(e.data.caseId));
        if (!w) return;
        w.left.delete(f.id);
        if (w.left.size === 0) w.done(e.at);
      }),
    ),
  );
  const samples: number[] = [];
  let missed = 0;
  try {
    for (let i = 0; i < rounds; i++) {
      const phone = `+4917${String(900000 + i).padStart(8, '0')}`;
      // The first message opens the case; the followers follow it; the second is measured.
      if ((await postSms(a, channel, sms(phone, 'Hello, I need help'))) !== 200) throw new Error('SMS webhook refused');
      const list = await request(a.agent, a.base, 'GET', `/api/v1/cases?teamId=${team}&status=new&type=sms&limit=50`, org.adminToken);
      const caseId = (JSON.parse(list.body) as { cases: { id: string; customer: { phone: string | null } | null }[] }).cases.find(
        (c) => c.customer?.phone === phone,
      )?.id;
      if (!caseId) throw new Error('the SMS did not open a case');
      await Promise.all(followers.map((f) => request(a.agent, a.base, 'POST', `/api/v1/cases/${caseId}/follow`, f.token)));
      const arrived = new Promise<bigint | null>((resolve) => {
        waiting.set(caseId, { left: new Set(followers.map((f) => f.id)), done: resolve });
        setTimeout(() => resolve(null), 5000);
      });
      const start = now();
      const status = await postSms(a, channel, sms(phone, 'Any news on this?'));
      const at = await arrived;
      waiting.delete(caseId);
      if (at === null || status !== 200) missed++;
      else samples.push(Number(at - start) / 1e6);
      await sleep(20);
    }
  } finally {
    for (const s of streams) s.close();
  }
  return { ...latency(samples), followers: followers.length, missed };
}

/**
 * Customer-message ingestion: `clients` customers text in at once (SMS webhooks), each on their
 * own case, owned by an agent (so every message notifies the owner, the costliest common case).
 * Messages per second over `seconds`.
 */
export async function measureIngestion(
  a: Target,
  org: Org,
  seconds: number,
  clients: number,
): Promise<{ messages: number; perSecond: number; errors: number; latency: Latency }> {
  const team = biggestTeam(org);
  const owner = org.agents[org.members.get(team)![0]!]!;
  const channel = await smsChannel(a, org, team);
  const phones = Array.from({ length: clients }, (_, i) => `+4916${String(800000 + i).padStart(8, '0')}`);
  for (const p of phones) await postSms(a, channel, sms(p, 'First message'));
  const list = await request(a.agent, a.base, 'GET', `/api/v1/cases?teamId=${team}&status=new&type=sms&limit=100`, org.adminToken);
  const ids = (JSON.parse(list.body) as { cases: { id: string; customer: { phone: string | null } | null }[] }).cases
    .filter((c) => phones.includes(c.customer?.phone ?? ''))
    .map((c) => c.id);
  for (const id of ids)
    await request(a.agent, a.base, 'POST', `/api/v1/cases/${id}/assign`, org.adminToken, { teamId: team, ownerId: owner.id });
  const samples: number[] = [];
  let errors = 0;
  const start = Date.now();
  await lanes(clients, start + seconds * 1000, async (lane) => {
    const t0 = now();
    const status = await postSms(a, channel, sms(phones[lane]!, `Message ${samples.length}`));
    if (status === 200) samples.push(Number(now() - t0) / 1e6);
    else errors++;
    return true;
  });
  const elapsed = (Date.now() - start) / 1000;
  return { messages: samples.length, perSecond: Math.round(samples.length / elapsed), errors, latency: latency(samples) };
}

/**
 * Gives one agent 10,000 notifications (half unread) about cases of their team, written directly
 * while the server is stopped; returns that agent's index.
 */
export async function seedNotifications(db: Db, org: Org, count: number): Promise<number> {
  const team = biggestTeam(org);
  const who = org.members.get(team)![0]!;
  const agent = org.agents[who]!;
  const cases = await sql<{ id: string }>`SELECT id::text AS id FROM cases WHERE team_id = ${team}::uuid LIMIT 500`.execute(db.kysely);
  if (cases.rows.length === 0) throw new Error('no cases to notify about');
  const start = Date.now() - count * 1000;
  const times = Array.from({ length: count }, (_, i) => start + i * 1000);
  const ids = uuidv7Many(times);
  await sql`INSERT INTO notifications (id, user_id, type, case_id, event_id, actor_id, in_app, desktop, email_status, created_at, read_at)
    SELECT n.id, ${agent.id}::uuid, 'case.follow_activity', n.case_id, 0, NULL, true, false, 'none', n.at, CASE WHEN n.k % 2 = 0 THEN n.at END
    FROM unnest(${ids}::uuid[], ${times.map((_, i) => cases.rows[i % cases.rows.length]!.id)}::uuid[],
                ${times.map((t) => new Date(t).toISOString())}::timestamptz[]) WITH ORDINALITY AS n(id, case_id, at, k)`.execute(db.kysely);
  await sql`ANALYZE notifications`.execute(db.kysely);
  return who;
}

/** GET /me/notifications (first page, and unread only) for the agent with 10,000 notifications. */
export async function measureNotificationList(a: Target, org: Org, who: number, rounds: number): Promise<Latency & { errors: number }> {
  const token = org.agents[who]!.token;
  const samples: number[] = [];
  let errors = 0;
  for (let i = 0; i < rounds; i++) {
    const r = await request(a.agent, a.base, 'GET', `/api/v1/me/notifications${i % 2 ? '?unread=true' : ''}`, token);
    if (r.status === 200 && (JSON.parse(r.body) as { unreadCount: number }).unreadCount > 0) samples.push(r.ms);
    else errors++;
  }
  return { ...latency(samples), errors };
}
