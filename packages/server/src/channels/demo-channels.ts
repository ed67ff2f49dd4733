import type { Deps } from '../deps.ts';
import { createChannel, listChannels } from './channel-admin.ts';
import type { ChannelInput } from './channel-admin.ts';

/** Team names of the demo organisation each demo channel feeds (first existing team as fallback). */
const DEMO: (Omit<ChannelInput, 'teamId'> & { team: string })[] = [
  { type: 'web_connect', name: 'Website chat', team: 'Customer Care', settings: { title: 'Northwind Support', greeting: 'Hi! How can we help you today?' } },
  { type: 'support_sdk', name: 'Northwind app', team: 'Technical Support', settings: { title: 'Northwind app support' } },
  { type: 'email', name: 'Support mailbox', team: 'Customer Care', settings: { address: 'support@northwind.example', fromName: 'Northwind Support' } },
  { type: 'email', name: 'Billing mailbox', team: 'Billing', settings: { address: 'billing@northwind.example', fromName: 'Northwind Billing' } },
  { type: 'sms', name: 'Support SMS', team: 'Customer Care', settings: { accountSid: 'ACdemo', phoneNumber: '+15550100', authToken: 'demo-sms-auth-token', apiBaseUrl: 'http://127.0.0.1:9/provider-not-configured' } },
  { type: 'phone', name: 'Support hotline', team: 'Customer Care', settings: { phoneNumber: '+15550101', authToken: 'demo-voice-auth-token' } },
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
    const ch = await createChannel(deps, { type: d.type, name: d.name, teamId: team.id, settings: d.settings });
    const where = ch.publicKey ? `public key ${ch.publicKey}` : ch.address ? `mail to ${ch.address}`
      : ch.type === 'sms' ? `POST /webhooks/sms/${ch.id} (auth token ${d.settings.authToken})`
      : `POST /webhooks/voice/${ch.id} (auth token ${d.settings.authToken})`;
    lines.push(`  ${d.type.padEnd(12)} ${d.name.padEnd(18)} → ${team.name}: ${where}`);
  }
  lines.push('  Web chat demo page: /demo/chat', '');
  process.stdout.write(`${lines.join('\n')}\n`);
}
