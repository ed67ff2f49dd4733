import type { Kysely } from 'kysely';
import { priorityRank, readTags, type Priority } from '@casework/domain';
import type { Database } from '../db/schema.ts';
import { uuidv7 } from '../ids.ts';
import type { Rng } from './demo-rng.ts';
import type { TeamKey } from './demo-org.ts';

/**
 * What a support team adds around its cases, so the demo shows it: tags and priorities on the
 * cases, two custom fields with values, canned replies in each scope and saved views (personal
 * and shared). Written by the demo loader in its one transaction.
 */

/** Words in a demo subject → the tag a team would give it. */
const TAG_RULES: readonly [RegExp, string][] = [
  [/order|parcel|package|delivery|shipping|pick up/i, 'shipping'],
  [/return|refund|damaged|missing/i, 'returns'],
  [/invoice|charged|payment|card|price|vat|sepa|reminder|promo|gift card/i, 'billing'],
  [/subscription|plan|plus/i, 'subscription'],
  [/app|android|push|notification/i, 'mobile-app'],
  [/firmware|offline|reboot|pair|battery|reading|cam|hub/i, 'device'],
  [/password|email address|two-factor|sso|account/i, 'account'],
  [/api|integration|429/i, 'integration'],
];

/** The tags a case with this subject gets (at most three, as teams keep them short). */
export function demoTags(subject: string, rng: Rng): string[] {
  const given = TAG_RULES.filter(([re]) => re.test(subject)).map(([, tag]) => tag);
  if (rng.chance(0.12)) given.push('vip');
  const read = readTags(given.slice(0, 3), 'tags', null);
  return read.ok ? read.tags : [];
}

/** Most cases are normal; a few urgent ones stand out. */
export function demoPriority(rng: Rng): number {
  const p: Priority = rng.weighted([
    ['low', 14],
    ['normal', 62],
    ['high', 18],
    ['urgent', 6],
  ] as const);
  return priorityRank(p);
}

export const DEMO_PRODUCTS = ['Thermostat Pro', 'Smart Hub', 'Outdoor Cam', 'Door sensor', 'Motion sensor', 'Northwind app'] as const;

/** A demo case's field values: the order number its subject names, and the product it is about. */
export function demoFields(subject: string, rng: Rng): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const order = /NW-\d+/.exec(subject);
  if (order) fields.order_number = order[0];
  const product = DEMO_PRODUCTS.find((p) => subject.toLowerCase().includes(p.split(' ').at(-1)!.toLowerCase()));
  if (product) fields.product = product;
  else if (rng.chance(0.3)) fields.product = rng.pick(DEMO_PRODUCTS);
  return fields;
}

/** Field definitions, canned replies and saved views of the demo organisation. */
export async function insertDemoSetup(
  trx: Kysely<Database>,
  ids: { teamIds: Record<TeamKey, string>; userIds: Record<string, string> },
  since: Date,
): Promise<void> {
  await trx
    .insertInto('case_fields')
    .values([
      {
        key: 'order_number',
        label: 'Order number',
        type: 'text',
        options: null,
        required: false,
        team_ids: null,
        created_at: since,
        updated_at: since,
      },
      {
        key: 'product',
        label: 'Product',
        type: 'select',
        options: [...DEMO_PRODUCTS],
        required: false,
        team_ids: null,
        created_at: since,
        updated_at: since,
      },
    ])
    .execute();
  const admin = ids.userIds.katrin!;
  const marco = ids.userIds.marco!;
  const lena = ids.userIds.lena!;
  const reply = (title: string, body: string, scope: string, owner: string | null, team: string | null, by: string) => ({
    id: uuidv7(),
    title,
    body,
    scope,
    owner_id: owner,
    team_id: team,
    created_by: by,
    created_at: since,
    updated_at: since,
  });
  await trx
    .insertInto('canned_replies')
    .values([
      reply(
        'Thanks for your patience',
        'Hi {{customer.firstName}},\n\nthank you for your patience while we looked into "{{case.subject}}". ',
        'organisation',
        null,
        null,
        admin,
      ),
      reply(
        'Closing the loop',
        'Hi {{customer.firstName}},\n\nI am glad we could sort this out. If anything else comes up, just reply to this message and it reaches us under case {{case.reference}}.\n\nBest regards,\n{{agent.firstName}} from {{organisation.name}}',
        'organisation',
        null,
        null,
        admin,
      ),
      reply(
        'Return label sent',
        'Hi {{customer.firstName}},\n\nI have emailed you a prepaid return label. Once the parcel reaches our warehouse, the refund follows within three working days.\n\n{{agent.name}}',
        'team',
        null,
        ids.teamIds.care,
        marco,
      ),
      reply(
        'Invoice corrected',
        'Hi {{customer.firstName}},\n\nthe corrected invoice is attached to your account under Billing → Invoices. Nothing else is needed from your side.\n\n{{agent.name}}',
        'team',
        null,
        ids.teamIds.billing,
        marco,
      ),
      reply(
        'Ask for the hub log',
        'Could you open the Northwind app, go to Settings → Hub → Diagnostics and send us the log? It tells us exactly where the hub gets stuck.',
        'personal',
        lena,
        null,
        lena,
      ),
    ])
    .execute();
  const viewId = uuidv7();
  await trx
    .insertInto('saved_views')
    .values([
      {
        id: uuidv7(),
        owner_id: lena,
        name: 'My urgent work',
        filters: JSON.stringify({ ownerId: 'me', priority: 'urgent,high', status: 'new,ready,waiting' }),
        shared: false,
        created_at: since,
        updated_at: since,
      },
      {
        id: viewId,
        owner_id: marco,
        name: 'Open returns',
        filters: JSON.stringify({ tag: ['returns'], status: 'new,ready,waiting' }),
        shared: true,
        created_at: since,
        updated_at: since,
      },
    ])
    .execute();
  await trx.insertInto('saved_view_teams').values({ view_id: viewId, team_id: ids.teamIds.care }).execute();
}
