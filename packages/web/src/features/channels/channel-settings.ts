import type { CaseType } from '../../api/types';
import { formatPhone } from '../../lib/phone';

export type SettingField = {
  key: string;
  label: string;
  /** Write-only: the API only answers `has<Key>: true`; the form offers "change". */
  secret?: boolean;
  required?: boolean;
  type?: 'text' | 'email' | 'url' | 'tel' | 'color' | 'number' | 'select' | 'textarea';
  /** For `select`: the values and their labels. */
  options?: { value: string; label: string }[];
  placeholder?: string;
  hint?: string;
  /** Spans both columns of the settings grid (long values). */
  wide?: boolean;
  /** A mail server the field belongs to: its key is `imap.host`, sent as `settings.imap.host`. */
  group?: MailGroup;
};

export type MailGroup = 'imap' | 'smtp';
export const GROUP_LABEL: Record<MailGroup, string> = {
  imap: 'Incoming mail (IMAP)',
  smtp: 'Outgoing mail (SMTP submission)',
};
export const GROUP_LEAD: Record<MailGroup, string> = {
  imap: 'Fetch mail from an existing mailbox (Gmail, Microsoft 365, any IMAP host). Leave the host empty to receive on the built-in SMTP listener only.',
  smtp: "Replies are submitted here. Leave the host empty to use the relay URL below or the server's relay.",
};

const SECURITY: SettingField['options'] = [
  { value: 'tls', label: 'TLS (993 / 465)' },
  { value: 'starttls', label: 'STARTTLS (143 / 587)' },
  { value: 'none', label: 'None (trusted network only)' },
];

function mailServerFields(group: MailGroup): SettingField[] {
  const imap = group === 'imap';
  return [
    { key: `${group}.host`, group, label: 'Server', placeholder: imap ? 'imap.gmail.com' : 'smtp.gmail.com' },
    {
      key: `${group}.port`,
      group,
      label: 'Port',
      type: 'number',
      placeholder: imap ? '993' : '587',
      hint: 'Empty: the default for the security.',
    },
    { key: `${group}.security`, group, label: 'Security', type: 'select', options: SECURITY },
    { key: `${group}.user`, group, label: 'User name', placeholder: 'support@example.com' },
    { key: `${group}.password`, group, label: 'Password', secret: true, hint: imap ? 'For Gmail: an app password.' : undefined },
    ...(imap ? [{ key: 'imap.folder', group, label: 'Folder', placeholder: 'INBOX' } satisfies SettingField] : []),
  ];
}

/** Types an admin can configure here; `platform` cases come from API tokens instead. */
export const CHANNEL_TYPES: CaseType[] = ['web_connect', 'support_sdk', 'email', 'sms', 'phone'];

const PROVIDER_URL_HINT = "Leave empty for the provider's default (https://api.twilio.com).";

/** What each channel type may configure: mirrors the server's settings table (SPEC §9). */
export const SETTING_FIELDS: Record<CaseType, SettingField[]> = {
  web_connect: [
    { key: 'title', label: 'Widget title', placeholder: 'e.g. Northwind Support' },
    { key: 'color', label: 'Accent colour', placeholder: '#2459d6', hint: 'A hex colour like #2459d6.' },
    { key: 'greeting', label: 'Greeting', placeholder: 'Hi! How can we help you today?', wide: true },
  ],
  support_sdk: [
    { key: 'title', label: 'Chat title', placeholder: 'e.g. Northwind app support' },
    { key: 'greeting', label: 'Greeting', wide: true },
  ],
  email: [
    {
      key: 'address',
      label: 'Email address',
      type: 'email',
      required: true,
      placeholder: 'support@example.com',
      hint: 'Mail to this address creates or continues a case.',
    },
    { key: 'fromName', label: 'Sender name', placeholder: 'e.g. Northwind Support', hint: 'Shown as the sender of replies.' },
    {
      key: 'signature',
      label: 'Signature',
      type: 'textarea',
      placeholder: 'Kind regards,\n**Northwind Support**',
      hint: 'Added under every email reply, in the HTML and the plain text. Markdown: **bold**, _italic_, [link](https://…).',
      wide: true,
    },
    ...mailServerFields('imap'),
    ...mailServerFields('smtp'),
    {
      key: 'smtpUrl',
      group: 'smtp',
      label: 'Relay URL (instead of a server)',
      type: 'url',
      placeholder: 'smtp://mail.example.com:587',
      hint: "Used when no server is set; empty: the server's relay (CASEWORK_SMTP_URL).",
      wide: true,
    },
  ],
  sms: [
    { key: 'phoneNumber', label: 'Phone number', type: 'tel', required: true, placeholder: '+15550100' },
    { key: 'accountSid', label: 'Account SID', required: true, placeholder: 'AC…' },
    { key: 'authToken', label: 'Auth token', secret: true, required: true, hint: "Checks the provider's signature and sends replies." },
    {
      key: 'apiBaseUrl',
      label: 'Provider API base URL',
      type: 'url',
      placeholder: 'https://api.twilio.com',
      hint: PROVIDER_URL_HINT,
      wide: true,
    },
  ],
  phone: [
    { key: 'phoneNumber', label: 'Phone number', type: 'tel', placeholder: '+15550101' },
    { key: 'accountSid', label: 'Account SID', placeholder: 'AC…' },
    { key: 'authToken', label: 'Auth token', secret: true, required: true, hint: "Checks the provider's signature on call webhooks." },
    { key: 'greeting', label: 'Greeting spoken to callers', wide: true },
  ],
  platform: [{ key: 'description', label: 'Description' }],
};

/** The API's flag for a secret: `authToken` → `hasAuthToken`; `imap.password` → `imap.hasPassword`. */
export function hasSecretFlag(settings: Record<string, unknown>, key: string): boolean {
  const [group, name] = key.split('.');
  if (name) {
    const server = settings[group!] as Record<string, unknown> | null | undefined;
    // The SMTP password also serves a relay URL, where the API shows the flat flag.
    return server?.hasPassword === true || (group === 'smtp' && settings.hasSmtpPassword === true);
  }
  return settings[`has${key[0]!.toUpperCase()}${key.slice(1)}`] === true;
}

/** The form's flat values: `imap: {host, port}` becomes `imap.host`, `imap.port` (the flat `smtpUser` fills `smtp.user`). */
export function flatSettings(settings: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (typeof value === 'string') values[key] = value;
    else if (value && typeof value === 'object') {
      for (const [name, inner] of Object.entries(value)) {
        if (typeof inner === 'string' || typeof inner === 'number') values[`${key}.${name}`] = String(inner);
      }
    }
  }
  if (values.smtpUser && !values['smtp.user']) values['smtp.user'] = values.smtpUser;
  return values;
}

/** What the list shows in its "address" column for a channel of this type. */
export function channelAddress(channel: {
  type: CaseType;
  address: string | null;
  publicKey: string | null;
  settings: Record<string, unknown>;
}): {
  label: string;
  value: string | null;
} {
  if (channel.type === 'email') return { label: 'Address', value: channel.address ?? str(channel.settings.address) };
  if (channel.type === 'sms' || channel.type === 'phone') {
    const n = str(channel.settings.phoneNumber);
    return { label: 'Number', value: n ? formatPhone(n) : null };
  }
  if (channel.publicKey) return { label: 'Public key', value: channel.publicKey };
  return { label: 'Address', value: null };
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value ? value : null;
}
