import { call, makeTeam, makeUser, type TestApp, type TestUser } from './harness.ts';
import { seedCase } from './case-fixtures.ts';
import type { Pools } from './fuzz-values.ts';
import { uuidv7 } from '../ids.ts';
import { twilioSignature } from '../channels/sms/twilio-signature.ts';

/** Who the fuzzer sends each request as. */
export type FuzzIdentity = { name: string; headers: Record<string, string> };

export type FuzzWorld = { identities: FuzzIdentity[]; pools: Pools; chatToken: string; secrets: Record<string, string> };

async function must(t: TestApp, user: TestUser | null, method: string, url: string, body: unknown): Promise<any> {
  const res = await call(t, user, method, url, body);
  if (res.statusCode >= 300) throw new Error(`seeding ${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.data;
}

/**
 * A small organisation with one of everything an operation can name: teams, staff, a custom
 * role, cases in several states (with messages), channels of each kind, a chat, a webhook and
 * spare tokens, so generated requests with real ids reach real code paths. The identities the
 * fuzzer acts as (admin, agent, a channel-scoped token), and the channels the chat and provider
 * webhooks use, are kept out of the pools that changing and deleting operations draw from, so
 * one request cannot lock the others out.
 */
export async function seedFuzzWorld(t: TestApp): Promise<FuzzWorld> {
  const teamA = await makeTeam(t.db, 'Fuzz A');
  const teamB = await makeTeam(t.db, 'Fuzz B');
  const admin = await makeUser(t.db, { role: 'admin', teamIds: [teamA], name: 'Ada Admin' });
  const agent = await makeUser(t.db, { role: 'agent', teamIds: [teamA], name: 'Alice Agent' });
  const spare = await makeUser(t.db, { role: 'agent', teamIds: [teamA, teamB], name: 'Spare Agent' });
  const viewer = await makeUser(t.db, { role: 'viewer', teamIds: [teamB], name: 'Vera Viewer' });
  const teamC = await makeTeam(t.db, 'Fuzz C (empty)');
  const role = await must(t, admin, 'POST', '/api/v1/roles', { name: 'Fuzz role', permissions: [] });

  const now = Date.now();
  const at = (mins: number) => new Date(now - mins * 60_000);
  const cases = [
    await seedCase(t.db, { teamId: teamA, createdAt: at(50), customer: { name: 'Cleo', email: 'cleo@example.com' } }),
    await seedCase(t.db, { teamId: teamA, createdAt: at(40), ownerId: agent.id }),
    await seedCase(t.db, { teamId: teamA, createdAt: at(30), ownerId: agent.id, status: 'waiting', wakeAt: new Date(now + 3_600_000) }),
    await seedCase(t.db, { teamId: teamA, createdAt: at(20), ownerId: spare.id, status: 'resolved' }),
    await seedCase(t.db, { teamId: teamB, createdAt: at(10) }),
  ];
  for (const id of cases.slice(0, 3)) await must(t, admin, 'POST', `/api/v1/cases/${id}/messages`, { body: 'Looking into it' });

  const web = await must(t, admin, 'POST', '/api/v1/channels', {
    type: 'web_connect',
    name: 'Site chat',
    teamId: teamA,
    settings: { title: 'Help' },
  });
  const sms = await must(t, admin, 'POST', '/api/v1/channels', {
    type: 'sms',
    name: 'SMS',
    teamId: teamA,
    settings: { accountSid: 'AC1', phoneNumber: '+15550100', authToken: 'sms-secret' },
  });
  const phone = await must(t, admin, 'POST', '/api/v1/channels', {
    type: 'phone',
    name: 'Hotline',
    teamId: teamA,
    settings: { authToken: 'voice-secret' },
  });
  const email = await must(t, admin, 'POST', '/api/v1/channels', {
    type: 'email',
    name: 'Mail',
    teamId: teamA,
    settings: { address: 'help@example.com' },
  });
  const spareSms = await must(t, admin, 'POST', '/api/v1/channels', {
    type: 'sms',
    name: 'Spare SMS',
    teamId: teamB,
    settings: { accountSid: 'AC2', phoneNumber: '+15550199', authToken: 'spare-secret' },
  });
  const chat = await must(t, null, 'POST', '/api/v1/chat/sessions', {
    channelKey: web.publicKey,
    name: 'Cleo',
    email: 'cleo@example.com',
    message: 'Hello?',
  });
  const hook = await must(t, admin, 'POST', '/api/v1/webhooks', {
    url: 'https://example.com/casework-hook',
    events: ['case.created'],
    secret: 'fuzz-secret-1',
  });
  const tokens = [];
  for (const name of ['spare one', 'spare two']) tokens.push((await must(t, admin, 'POST', '/api/v1/tokens', { name })).id);
  const scoped = await must(t, admin, 'POST', '/api/v1/tokens', { name: 'channel bot', channelId: web.id });

  await must(t, admin, 'POST', '/api/v1/users', {
    email: 'login@example.com',
    name: 'Lou Login',
    password: 'correct horse battery',
    role: 'agent',
    teamIds: [teamA],
  });
  const messages = (await t.db.kysely.selectFrom('messages').select('id').where('case_id', 'in', cases.slice(0, 3)).execute()).map(
    (m) => m.id,
  );
  const attachments = [];
  for (const [i, messageId] of messages.slice(0, 2).entries()) {
    const id = uuidv7();
    await t.db.kysely
      .insertInto('message_attachments')
      .values({
        id,
        message_id: messageId,
        filename: i ? 'photo.png' : 'notes ünïcode.txt',
        content_type: i ? 'image/png' : 'text/plain',
        size: 5,
        created_at: new Date(),
      })
      .execute();
    await t.db.kysely
      .insertInto('attachment_chunks')
      .values({ attachment_id: id, seq: 0, data: Buffer.from('hello') })
      .execute();
    attachments.push(id);
  }
  await must(t, admin, 'POST', '/api/v1/cases', { subject: 'After the webhook', teamId: teamA });
  const deliveries = (await t.db.kysely.selectFrom('webhook_deliveries').select('id').execute()).map((d) => d.id);
  const work = await call(t, agent, 'GET', '/api/v1/me/work');
  const sections = Array.isArray(work.data?.sections) ? work.data.sections.map((s: { key: string }) => s.key) : [];

  return {
    chatToken: chat.token,
    secrets: { [sms.id]: 'sms-secret', [phone.id]: 'voice-secret' },
    identities: [
      { name: 'admin', headers: admin.headers },
      { name: 'agent', headers: agent.headers },
      { name: 'channel token', headers: { authorization: `Bearer ${scoped.token}` } },
      { name: 'anonymous', headers: {} },
    ],
    pools: {
      cases: [...cases, chat.caseId],
      teams: [teamA, teamB, teamC],
      users: [spare.id, viewer.id, agent.id],
      roles: [role.id],
      roleNames: ['agent', 'viewer', role.id],
      tokens,
      channels: [email.id, spareSms.id],
      providerChannels: [sms.id, phone.id],
      webhooks: [hook.id],
      chats: [chat.id],
      chatKeys: [web.publicKey],
      chatTokens: [chat.token],
      sections,
      messages,
      attachments,
      deliveries,
      emails: ['login@example.com'],
      passwords: ['correct horse battery'],
    },
  };
}

/** Signs a provider webhook form the way the provider would (the app sees the host light-my-request sends). */
export function signWebhook(world: FuzzWorld, url: string, form: string): string | undefined {
  // Only the channel ids from the world are signed (an odd id is sent as it is, unsigned).
  const channelId = /^\/webhooks\/\w+\/([^/?]+)/.exec(url)?.[1];
  const secret = channelId ? world.secrets[channelId] : undefined;
  if (!secret) return undefined;
  const params: Record<string, string> = {};
  try {
    for (const [k, v] of new URLSearchParams(form)) params[k] = v;
  } catch {
    return undefined;
  }
  return twilioSignature(secret, `http://localhost:80${url}`, params);
}
