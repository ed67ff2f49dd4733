import { sql } from 'kysely';
import type { Deps } from '../deps.ts';
import { createChannel, listChannels } from '../use-cases/admin-channels.ts';
import type { ChannelInput } from '../use-cases/admin-channels.ts';

/** Team names of the demo organisation each demo channel feeds (first existing team as fallback). */
const DEMO: (Omit<ChannelInput, 'teamId'> & { team: string })[] = [
  {
    type: 'web_connect',
    name: 'Website chat',
    team: 'Customer Care',
    settings: { title: 'Northwind Support', greeting: 'Hi! How can we help you today?' },
  },
  { type: 'support_sdk', name: 'Northwind app', team: 'Technical Support', settings: { title: 'Northwind app support' } },
  {
    type: 'email',
    name: 'Support mailbox',
    team: 'Customer Care',
    settings: { address: 'support@northwind.example', fromName: 'Northwind Support' },
  },
  {
    type: 'email',
    name: 'Billing mailbox',
    team: 'Billing',
    settings: { address: 'billing@northwind.example', fromName: 'Northwind Billing' },
  },
  {
    type: 'sms',
    name: 'Support SMS',
    team: 'Customer Care',
    settings: {
      accountSid: 'ACdemo',
      phoneNumber: '+15550100',
      authToken: 'demo-sms-auth-token',
      apiBaseUrl: 'http://127.0.0.1:9/provider-not-configured',
    },
  }, // pointed at the demo's own provider (pointDemoChannelsAt)
  {
    type: 'phone',
    name: 'Support hotline',
    team: 'Customer Care',
    settings: { phoneNumber: '+15550101', authToken: 'demo-voice-auth-token' },
  },
];

/**
 * Gives a freshly loaded demo organisation one channel of each kind and prints how to reach
 * them (the demo's provider secrets are public on purpose: it is a demo).
 */
export async function seedDemoChannels(deps: Deps): Promise<void> {
  if ((await listChannels(deps.db.kysely)).length > 0) return;
  const teams = await deps.db.kysely.selectFrom('teams').select(['id', 'name']).orderBy('created_at').execute();
  if (teams.length === 0) return;
  const lines = ['', 'Demo channels:'];
  for (const d of DEMO) {
    const team = teams.find((t) => t.name === d.team) ?? teams[0]!;
    const ch = await createChannel(deps, null, { type: d.type, name: d.name, teamId: team.id, settings: d.settings });
    const where = ch.publicKey
      ? `public key ${ch.publicKey}`
      : ch.address
        ? `mail to ${ch.address}`
        : ch.type === 'sms'
          ? `POST /webhooks/sms/${ch.id} (auth token ${d.settings.authToken})`
          : `POST /webhooks/voice/${ch.id} (auth token ${d.settings.authToken})`;
    lines.push(`  ${d.type.padEnd(12)} ${d.name.padEnd(18)} → ${team.name}: ${where}`);
  }
  await linkDemoCases(deps);
  lines.push('  Web chat demo page: /demo/chat', '  Replies sent by email and SMS (the demo outbox): /demo/outbox', '');
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * The demo's history came in through no channel: link each case to the demo channel of its kind
 * (its own team's first), with the customer's address, so replies on them are delivered.
 */
async function linkDemoCases(deps: Deps): Promise<void> {
  await sql`INSERT INTO case_channels (case_id, channel_id, customer_address, created_at)
    SELECT c.id,
      (SELECT ch.id FROM channels ch WHERE ch.type = c.type AND ch.deleted_at IS NULL ORDER BY (ch.team_id = c.team_id) DESC, ch.created_at, ch.id LIMIT 1),
      CASE c.type WHEN 'email' THEN cu.email WHEN 'sms' THEN cu.phone END, c.created_at
    FROM cases c LEFT JOIN customers cu ON cu.id = c.customer_id
    WHERE NOT EXISTS (SELECT 1 FROM case_channels x WHERE x.case_id = c.id)
      AND EXISTS (SELECT 1 FROM channels ch WHERE ch.type = c.type AND ch.deleted_at IS NULL)`.execute(deps.db.kysely);
}

/** The demo's SMS channel sends through the demo's own provider, wherever this run put it. */
export async function pointDemoChannelsAt(deps: Deps, smsApiBaseUrl: string): Promise<void> {
  await sql`UPDATE channels SET settings = jsonb_set(settings, '{apiBaseUrl}', to_jsonb(${smsApiBaseUrl}::text))
    WHERE type = 'sms' AND settings->>'accountSid' = 'ACdemo' AND deleted_at IS NULL`.execute(deps.db.kysely);
}
