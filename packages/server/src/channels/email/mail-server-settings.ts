import type { FieldError } from '../../errors.ts';

/**
 * An email channel's own mail servers (SPEC §13): `imap` to fetch from an existing mailbox,
 * `smtp` to submit replies. The API speaks nested objects; they are stored as flat settings
 * (`imapHost`, `imapPort` …) next to the channel's other settings, the passwords as secrets.
 */
export type MailServerKind = 'imap' | 'smtp';
const SECURITIES = ['tls', 'starttls', 'none'] as const;
type Security = (typeof SECURITIES)[number];

const FIELDS = {
  imap: ['host', 'port', 'security', 'user', 'password', 'folder'],
  smtp: ['host', 'port', 'security', 'user', 'password'],
} as const satisfies Record<MailServerKind, readonly string[]>;

/** Default ports: 993/143 for IMAP (TLS / STARTTLS or none), 465/587 for submission. */
function defaultPort(kind: MailServerKind, security: Security): number {
  if (kind === 'imap') return security === 'tls' ? 993 : 143;
  return security === 'tls' ? 465 : 587;
}

const key = (kind: MailServerKind, field: string) => `${kind}${field[0]!.toUpperCase()}${field.slice(1)}`;
const HOST_RE = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9]([A-Za-z0-9-]{0,62})?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62})?)*\.?)$/;

/** The stored keys of one server (the password is a secret; `smtpUser` is also the older flat setting). */
export const storedKeys = (kind: MailServerKind) => FIELDS[kind].map((f) => key(kind, f));

/**
 * Applies a submitted `imap`/`smtp` object over the stored settings: `null` removes the server,
 * fields left out keep their value (a password is replaced only when sent), bad values are errors.
 */
export function applyMailServer(
  kind: MailServerKind,
  input: unknown,
  settings: Record<string, string>,
  secrets: Record<string, string>,
  errors: FieldError[],
): void {
  const at = (f: string) => `settings.${kind}.${f}`;
  if (input === null) {
    for (const f of FIELDS[kind]) {
      if (f === 'password') delete secrets[key(kind, f)];
      else delete settings[key(kind, f)];
    }
    return;
  }
  if (typeof input !== 'object' || Array.isArray(input)) {
    errors.push({ field: `settings.${kind}`, message: 'must be an object or null' });
    return;
  }
  for (const [f, raw] of Object.entries(input as Record<string, unknown>)) {
    if (!(FIELDS[kind] as readonly string[]).includes(f)) {
      errors.push({ field: at(f), message: `is not an ${kind} setting` });
      continue;
    }
    const target = f === 'password' ? secrets : settings;
    if (raw === null || raw === '') {
      delete target[key(kind, f)];
      continue;
    }
    const v = typeof raw === 'number' ? String(raw) : raw;
    if (typeof v !== 'string' || v.length > 500) {
      errors.push({ field: at(f), message: 'must be a string of at most 500 characters' });
      continue;
    }
    target[key(kind, f)] = f === 'password' ? v : v.trim();
  }
  const host = settings[key(kind, 'host')];
  if (host === undefined) {
    // Nothing left of this server unless a host is given.
    const dangling = ['port', 'security', 'folder'].some((f) => settings[key(kind, f)] !== undefined);
    if (dangling || (kind === 'imap' && (settings.imapUser || secrets.imapPassword)))
      errors.push({ field: at('host'), message: 'is required' });
    return;
  }
  if (!HOST_RE.test(host)) errors.push({ field: at('host'), message: 'must be a host name or address' });
  settings[key(kind, 'security')] ??= 'tls';
  const security = settings[key(kind, 'security')]!;
  if (!(SECURITIES as readonly string[]).includes(security))
    errors.push({ field: at('security'), message: 'must be one of tls, starttls, none' });
  const port = settings[key(kind, 'port')];
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535))
    errors.push({ field: at('port'), message: 'must be a port number (1–65535)' });
  if (kind === 'imap') {
    if (!settings.imapUser) errors.push({ field: at('user'), message: 'is required' });
    if (!secrets.imapPassword) errors.push({ field: at('password'), message: 'is required' });
    settings.imapFolder ??= 'INBOX';
  } else if (settings.smtpUser && !secrets.smtpPassword) {
    errors.push({ field: at('password'), message: 'is required with a user' });
  }
}

export type MailServer = { host: string; port: number; security: Security; user: string | null; folder: string };

/** The configured server of a kind, or null (ports default by security). */
export function mailServerOf(kind: MailServerKind, settings: Record<string, string>): MailServer | null {
  const host = settings[key(kind, 'host')];
  if (!host) return null;
  const security = (settings[key(kind, 'security')] ?? 'tls') as Security;
  return {
    host,
    port: Number(settings[key(kind, 'port')] ?? defaultPort(kind, security)),
    security,
    user: settings[key(kind, 'user')] ?? null,
    folder: settings.imapFolder ?? 'INBOX',
  };
}

/** The server as the API shows it: no password, `hasPassword` instead. */
export function publicMailServer(kind: MailServerKind, settings: Record<string, string>, secretNames: readonly string[]) {
  const s = mailServerOf(kind, settings);
  if (!s) return null;
  const { folder, ...rest } = s;
  return { ...rest, ...(kind === 'imap' ? { folder } : {}), hasPassword: secretNames.includes(key(kind, 'password')) };
}
