/**
 * The audit log (SPEC §14): what an entry says about a change, and how long entries are kept.
 * Every sign-in and every change to the organisation's set-up is one entry: who, when, from where,
 * on what, and what changed as `{field: {from, to}}`. Secrets are never written: a field whose name
 * says it holds one is written as the SECRET mark (changed or not), never its value.
 */

/** What a secret field's value is written as, before and after (its value never reaches the log). */
export const SECRET_MARK = '[secret]';

/** What changed: each field's value before and after (null for a field that did not exist). */
export type AuditChanges = Record<string, { from: unknown; to: unknown }>;

const empty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** How the names of fields holding secrets end (lower case, without `_` or `-`): passwords, client secrets, tokens, keys, codes. */
const SECRET_ENDINGS = [
  'password',
  'passwordhash',
  'passwd',
  'secret',
  'token',
  'tokenhash',
  'apikey',
  'privatekey',
  'recoverycodes',
  'hash',
];

/** Whether a field's value is a secret the log must never hold (`smtpPassword`, `clientSecret`, `authToken`; not `tokenId`). */
export const isSecretField = (name: string): boolean => {
  const n = name.toLowerCase().replace(/[_-]/g, '');
  return n === 'code' || SECRET_ENDINGS.some((e) => n.endsWith(e));
};

/**
 * The secrets that were set, changed or removed between two sets of secrets (name → value; the
 * values are compared here and never returned), as changes of `secret.<name>` to SECRET_MARK or null.
 */
export function secretChanges(before: Record<string, unknown>, after: Record<string, unknown>): AuditChanges {
  const out: AuditChanges = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const from = before[key] ?? null;
    const to = after[key] ?? null;
    if (same(from, to)) continue;
    out[`secret.${key}`] = { from: from === null ? null : SECRET_MARK, to: to === null ? null : SECRET_MARK };
  }
  return out;
}

/** A value with every secret field (at any depth) replaced by SECRET_MARK. */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, isSecretField(k) ? SECRET_MARK : maskSecrets(v)]),
  );
}

/**
 * The fields that differ between `before` and `after` (null for a thing created or deleted), each
 * `{from, to}`, secrets masked; for a thing created or deleted, its empty fields are left out. A secret field appears when it was set or changed (as SECRET_MARK, or
 * null where there was none), so the log says a password changed without holding it. Fields whose
 * value is `undefined` on both sides are left out.
 */
export function auditChanges(before: Record<string, unknown> | null, after: Record<string, unknown> | null): AuditChanges {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const out: AuditChanges = {};
  for (const key of keys) {
    const from = before?.[key];
    const to = after?.[key];
    if (from === undefined && to === undefined) continue;
    if (isSecretField(key)) {
      const had = from !== undefined && from !== null && from !== '';
      const has = to !== undefined && to !== null && to !== '';
      // A secret given again on an update counts as changed: its old value is not known to compare.
      if (!had && !has) continue;
      if (before && after && !has) continue;
      out[key] = { from: had ? SECRET_MARK : null, to: has ? SECRET_MARK : null };
      continue;
    }
    if (before && after && same(from, to)) continue;
    // A thing created or deleted lists what it has, not the fields it leaves empty.
    if ((!before || !after) && empty(from) && empty(to)) continue;
    out[key] = { from: maskSecrets(from ?? null), to: maskSecrets(to ?? null) };
  }
  return out;
}

/** How long entries are kept unless the organisation says otherwise, and the bounds it may choose in. */
export const AUDIT_RETENTION = { defaultDays: 365, minDays: 30, maxDays: 3650 } as const;

/** Why a retention setting is refused, or null when it is allowed (whole days within AUDIT_RETENTION). */
export function auditRetentionProblem(days: number): string | null {
  if (!Number.isInteger(days)) return 'must be a whole number of days';
  if (days < AUDIT_RETENTION.minDays || days > AUDIT_RETENTION.maxDays)
    return `must be between ${AUDIT_RETENTION.minDays} and ${AUDIT_RETENTION.maxDays} days`;
  return null;
}

/** The oldest instant an entry may have and still be kept at `now` (older ones are removed). */
export const auditKeptSince = (now: Date, days: number): Date => new Date(now.getTime() - days * 86_400_000);
