import type { CaseType } from '../../api/types';

export type SettingField = {
  key: string;
  label: string;
  /** Write-only: the API only answers `has<Key>: true`; the form offers "change". */
  secret?: boolean;
  required?: boolean;
  type?: 'text' | 'email' | 'url' | 'tel' | 'color';
  placeholder?: string;
  hint?: string;
  /** Spans both columns of the settings grid (long values). */
  wide?: boolean;
};

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
      key: 'smtpUrl',
      label: 'SMTP server for replies',
      type: 'url',
      placeholder: 'smtp://mail.example.com:587',
      hint: 'Leave empty to use the server-wide relay.',
      wide: true,
    },
    { key: 'smtpUser', label: 'SMTP user name' },
    { key: 'smtpPassword', label: 'SMTP password', secret: true },
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

/** The API's flag for a secret: `authToken` → `hasAuthToken`. */
export function hasSecretFlag(settings: Record<string, unknown>, key: string): boolean {
  return settings[`has${key[0]!.toUpperCase()}${key.slice(1)}`] === true;
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
  if (channel.type === 'sms' || channel.type === 'phone') return { label: 'Number', value: str(channel.settings.phoneNumber) };
  if (channel.publicKey) return { label: 'Public key', value: channel.publicKey };
  return { label: 'Address', value: null };
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value ? value : null;
}
