import type { CaseType } from '@casework/domain';
import type { FieldError } from '../errors.ts';
import { applyMailServer, publicMailServer, storedKeys } from './email/mail-server-settings.ts';

type Spec = { fields: readonly string[]; secrets: readonly string[]; required: readonly string[] };

/** What each channel type may configure; secrets are write-only and stored encrypted. */
const SETTINGS_SPEC = {
  web_connect: { fields: ['title', 'greeting', 'color'], secrets: [], required: [] },
  support_sdk: { fields: ['title', 'greeting'], secrets: [], required: [] },
  email: {
    fields: ['address', 'fromName', 'smtpUrl', 'smtpUser', 'signature'],
    secrets: ['smtpPassword', 'imapPassword'],
    required: ['address'],
  },
  sms: {
    fields: ['accountSid', 'phoneNumber', 'apiBaseUrl'],
    secrets: ['authToken'],
    required: ['accountSid', 'phoneNumber', 'authToken'],
  },
  phone: { fields: ['accountSid', 'phoneNumber', 'greeting'], secrets: ['authToken'], required: ['authToken'] },
  platform: { fields: ['description'], secrets: [], required: [] },
} as const satisfies Record<CaseType, Spec>;

export const DEFAULT_PROVIDER_URL = 'https://api.twilio.com';
const EMAIL_RE = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

export type SplitSettings = { settings: Record<string, string>; secrets: Record<string, string>; errors: FieldError[] };

/**
 * Splits submitted settings into plain settings and secrets, merged over the current ones
 * (PATCH keeps what is not sent; `null` removes a value). Unknown keys and bad values are errors.
 */
export function splitSettings(
  type: CaseType,
  input: Record<string, unknown>,
  current: { settings: Record<string, string>; secrets: Record<string, string> },
): SplitSettings {
  const spec: Spec = SETTINGS_SPEC[type];
  const settings = { ...current.settings };
  const secrets = { ...current.secrets };
  const errors: FieldError[] = [];
  for (const [k, v] of Object.entries(input)) {
    if (type === 'email' && (k === 'imap' || k === 'smtp')) {
      applyMailServer(k, v, settings, secrets, errors);
      continue;
    }
    if (k === 'imapPassword') {
      errors.push({ field: `settings.${k}`, message: 'is set as imap.password' });
      continue;
    }
    const isSecret = spec.secrets.includes(k);
    if (!isSecret && !spec.fields.includes(k)) {
      errors.push({ field: `settings.${k}`, message: `is not a ${type} setting` });
      continue;
    }
    const target = isSecret ? secrets : settings;
    if (v === null) {
      delete target[k];
      continue;
    }
    if (typeof v !== 'string' || v.length > 2000) {
      errors.push({ field: `settings.${k}`, message: 'must be a string of at most 2000 characters' });
      continue;
    }
    target[k] = v.trim();
  }
  for (const k of spec.required) {
    if (!settings[k] && !secrets[k]) errors.push({ field: `settings.${k}`, message: 'is required' });
  }
  if (settings.address !== undefined && !EMAIL_RE.test(settings.address))
    errors.push({ field: 'settings.address', message: 'must be an email address' });
  for (const k of ['apiBaseUrl', 'smtpUrl'] as const) {
    if (settings[k] !== undefined && !/^(https?|smtps?):\/\/[^\s]+$/.test(settings[k]!))
      errors.push({ field: `settings.${k}`, message: 'must be a URL' });
  }
  if (settings.color !== undefined && !/^#[0-9a-fA-F]{3,8}$/.test(settings.color))
    errors.push({ field: 'settings.color', message: 'must be a hex colour like #2563eb' });
  return { settings, secrets, errors };
}

/** The settings as the API shows them: plain values plus `hasX: true` for each secret that is set. */
export function publicSettings(type: CaseType, settings: Record<string, string>, secretNames: string[]): Record<string, unknown> {
  const spec: Spec = SETTINGS_SPEC[type];
  const out: Record<string, unknown> = { ...settings };
  for (const s of spec.secrets) out[`has${s[0]!.toUpperCase()}${s.slice(1)}`] = secretNames.includes(s);
  if (type !== 'email') return out;
  // The channel's own mail servers show as nested objects (SPEC §13); the legacy flat smtpUser stays.
  for (const k of [...storedKeys('imap'), ...storedKeys('smtp')]) if (k !== 'smtpUser') delete out[k];
  delete out.hasImapPassword;
  out.imap = publicMailServer('imap', settings, secretNames);
  out.smtp = publicMailServer('smtp', settings, secretNames);
  return out;
}
