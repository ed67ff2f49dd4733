import type { CaseType } from '@casework/domain';
import type { Rng } from './demo-rng.ts';

/** The organisation the demo loads: a support department of a smart-home device maker. */
export const DEMO_ORG = { name: 'Northwind Support', timeZone: 'Europe/Berlin', autoCloseDays: 14 } as const;

/** One password for every demo user, easy to read out in a presentation. */
export const DEMO_PASSWORD = 'casework-demo';

export const TEAM_KEYS = ['care', 'billing', 'tech', 'enterprise'] as const;
export type TeamKey = (typeof TEAM_KEYS)[number];

export const TEAMS: Record<TeamKey, { name: string; share: number; types: readonly (readonly [CaseType, number])[] }> = {
  care: {
    name: 'Customer Care',
    share: 34,
    types: [
      ['web_connect', 30],
      ['email', 30],
      ['phone', 18],
      ['sms', 10],
      ['support_sdk', 8],
      ['platform', 4],
    ],
  },
  billing: {
    name: 'Billing',
    share: 20,
    types: [
      ['email', 45],
      ['web_connect', 15],
      ['phone', 20],
      ['sms', 8],
      ['platform', 12],
    ],
  },
  tech: {
    name: 'Technical Support',
    share: 30,
    types: [
      ['support_sdk', 30],
      ['web_connect', 20],
      ['email', 25],
      ['phone', 15],
      ['platform', 10],
    ],
  },
  enterprise: {
    name: 'Enterprise',
    share: 16,
    types: [
      ['email', 45],
      ['phone', 25],
      ['platform', 25],
      ['web_connect', 5],
    ],
  },
};

export type DemoUser = {
  key: string;
  email: string;
  name: string;
  role: 'admin' | 'supervisor' | 'agent' | 'viewer';
  timeZone: string | null;
  teams: TeamKey[];
  /** How often the random cases pick this user as owner (relative). */
  load: number;
};

/** The people: the first of each role has a role-named login printed at start. */
export const USERS: DemoUser[] = [
  { key: 'katrin', email: 'admin@northwind.example', name: 'Katrin Vogel', role: 'admin', timeZone: 'Europe/Berlin', teams: [], load: 0 },
  {
    key: 'marco',
    email: 'supervisor@northwind.example',
    name: 'Marco Rossi',
    role: 'supervisor',
    timeZone: 'Europe/Rome',
    teams: ['care', 'billing'],
    load: 0.15,
  },
  {
    key: 'helena',
    email: 'helena.berg@northwind.example',
    name: 'Helena Berg',
    role: 'supervisor',
    timeZone: 'Europe/Stockholm',
    teams: ['tech', 'enterprise'],
    load: 0.15,
  },
  {
    key: 'lena',
    email: 'agent@northwind.example',
    name: 'Lena Fischer',
    role: 'agent',
    timeZone: 'Europe/Berlin',
    teams: ['care', 'tech'],
    load: 0.5,
  },
  {
    key: 'jonas',
    email: 'jonas.weber@northwind.example',
    name: 'Jonas Weber',
    role: 'agent',
    timeZone: 'Europe/Berlin',
    teams: ['care'],
    load: 1,
  },
  {
    key: 'amelie',
    email: 'amelie.laurent@northwind.example',
    name: 'Amélie Laurent',
    role: 'agent',
    timeZone: 'Europe/Paris',
    teams: ['care', 'billing'],
    load: 1,
  },
  {
    key: 'tomasz',
    email: 'tomasz.nowak@northwind.example',
    name: 'Tomasz Nowak',
    role: 'agent',
    timeZone: 'Europe/Warsaw',
    teams: ['billing'],
    load: 1,
  },
  {
    key: 'priya',
    email: 'priya.nair@northwind.example',
    name: 'Priya Nair',
    role: 'agent',
    timeZone: 'Asia/Kolkata',
    teams: ['tech'],
    load: 1,
  },
  {
    key: 'daniel',
    email: 'daniel.okafor@northwind.example',
    name: 'Daniel Okafor',
    role: 'agent',
    timeZone: 'Europe/London',
    teams: ['tech', 'enterprise'],
    load: 1,
  },
  {
    key: 'sarah',
    email: 'sarah.mitchell@northwind.example',
    name: 'Sarah Mitchell',
    role: 'agent',
    timeZone: 'America/New_York',
    teams: ['enterprise', 'care'],
    load: 1,
  },
  {
    key: 'lucia',
    email: 'lucia.garcia@northwind.example',
    name: 'Lucía García',
    role: 'agent',
    timeZone: 'Europe/Madrid',
    teams: ['billing', 'enterprise'],
    load: 1,
  },
  {
    key: 'oliver',
    email: 'viewer@northwind.example',
    name: 'Oliver Brandt',
    role: 'viewer',
    timeZone: null,
    teams: ['care', 'billing', 'tech', 'enterprise'],
    load: 0,
  },
];

/** The agent whose My Work page the demo fills on purpose (login agent@northwind.example). */
export const MAIN_AGENT = 'lena';

export const userByKey = (key: string): DemoUser => USERS.find((u) => u.key === key)!;
export const membersOf = (team: TeamKey): DemoUser[] => USERS.filter((u) => u.teams.includes(team) && u.role !== 'viewer');
export const supervisorOf = (team: TeamKey): DemoUser => USERS.find((u) => u.role === 'supervisor' && u.teams.includes(team))!;

export type DemoCustomer = { key: number; name: string; email: string | null; phone: string | null; company: string | null };

const FIRST = [
  'Anna',
  'Ben',
  'Clara',
  'David',
  'Emma',
  'Felix',
  'Greta',
  'Hugo',
  'Ida',
  'Jan',
  'Klara',
  'Leon',
  'Maja',
  'Noah',
  'Olivia',
  'Paul',
  'Rosa',
  'Samuel',
  'Tina',
  'Umut',
  'Vera',
  'William',
  'Yara',
  'Zoe',
  'Mehmet',
  'Sofia',
  'Lukas',
  'Chiara',
  'Mateo',
  'Aisha',
  'Henrik',
  'Ingrid',
  'Pierre',
  'Elena',
  'Kofi',
  'Mia',
  'Jakob',
  'Nora',
  'Rafael',
  'Hanna',
];
const LAST = [
  'Müller',
  'Schneider',
  'Becker',
  'Hoffmann',
  'Schulz',
  'Koch',
  'Richter',
  'Klein',
  'Wolf',
  'Neumann',
  'Schwarz',
  'Braun',
  'Zimmermann',
  'Hartmann',
  'Lange',
  'Krüger',
  'Meier',
  'Jensen',
  'Dubois',
  'Rossi',
  'Kowalski',
  'Yılmaz',
  'Novak',
  'Andersen',
  'Martin',
  'Lindqvist',
  'Santos',
  'Bakker',
  'Petrov',
  'Okoro',
  'Costa',
  'Berger',
  'Fuchs',
  'Vogt',
  'Keller',
];
const MAIL_DOMAINS = ['example.com', 'example.org', 'example.net', 'mailbox.example', 'posteo.example', 'web.example'];
const COMPANIES = [
  ['Contoso Facilities', 'contoso.example'],
  ['Fabrikam Hotels', 'fabrikam.example'],
  ['Tailspin Property Group', 'tailspin.example'],
  ['Adventure Works Offices', 'adventure-works.example'],
  ['Litware Housing', 'litware.example'],
  ['Wingtip Residences', 'wingtip.example'],
] as const;

const ascii = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ı/g, 'i')
    .toLowerCase();

function phone(rng: Rng): string {
  const d = (n: number) => Array.from({ length: n }, () => rng.int(0, 9)).join('');
  return rng.weighted([
    [`+49 151 ${d(4)} ${d(4)}`, 5],
    [`+49 30 ${d(4)} ${d(3)}`, 2],
    [`+44 7700 900${d(3)}`, 2],
    [`+33 6 ${d(2)} ${d(2)} ${d(2)} ${d(2)}`, 1],
    [`+1 555 01${d(2)}`, 1],
    [`+43 660 ${d(3)} ${d(4)}`, 1],
  ]);
}

/** A pool of customers: private households and contacts at business customers (enterprise team). */
export function makeCustomers(rng: Rng, count: number): DemoCustomer[] {
  const out: DemoCustomer[] = [];
  const used = new Set<string>();
  while (out.length < count) {
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    const name = `${first} ${last}`;
    if (used.has(name)) continue;
    used.add(name);
    const business = out.length % 5 === 0;
    const company = business ? rng.pick(COMPANIES) : null;
    const domain = company ? company[1] : rng.pick(MAIL_DOMAINS);
    const local = rng.chance(0.7) ? `${ascii(first)}.${ascii(last)}` : `${ascii(first)[0]}${ascii(last)}${rng.int(1, 99)}`;
    out.push({
      key: out.length,
      name,
      company: company ? company[0] : null,
      email: rng.chance(0.93) ? `${local.replace(/[^a-z0-9.]/g, '')}@${domain}` : null,
      phone: rng.chance(0.7) ? phone(rng) : null,
    });
  }
  return out;
}
