import { SECRET_MARK } from '@casework/domain';
import type { AuditEntry } from './audit-api';
import { fieldWords, reasonWords } from './audit-words';

/** Names for ids the log holds (teams, users), so a change reads "Support → Billing". */
export type Names = { team: (id: string) => string | undefined; user: (id: string) => string | undefined };

const TEAM_FIELDS = new Set(['teamId', 'teamIds', 'defaultTeamIds']);
const USER_FIELDS = new Set(['userId', 'memberIds', 'ownerId']);

function words(field: string, value: unknown, names: Names): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (value === SECRET_MARK) return 'set (hidden)';
  const name = (id: unknown) =>
    typeof id !== 'string'
      ? String(id)
      : ((TEAM_FIELDS.has(field) ? names.team(id) : USER_FIELDS.has(field) ? names.user(id) : undefined) ?? id);
  if (Array.isArray(value)) return value.length ? value.map(name).join(', ') : 'none';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'object') return JSON.stringify(value);
  return name(value);
}

function Value({ text, kind }: { text: string | null; kind: 'from' | 'to' }) {
  if (text === null) return <span className="audit-none">none</span>;
  return kind === 'from' ? <del className="audit-from">{text}</del> : <ins className="audit-to">{text}</ins>;
}

/** What changed, one line per field: the old value struck out, then the new one. */
export function AuditChanges({ entry, names }: { entry: AuditEntry; names: Names }) {
  const fields = Object.entries(entry.changes);
  const detail = entry.detail ?? {};
  const reason = reasonWords(detail.reason);
  const refused = Array.isArray(detail.fields) ? (detail.fields as { field: string; message: string }[]) : [];
  if (fields.length === 0 && !reason && refused.length === 0 && !detail.method && !detail.removed && !detail.via)
    return <span className="muted">—</span>;
  return (
    <div className="audit-detail">
      {reason ? <p className="audit-reason">Reason: {reason}</p> : null}
      {typeof detail.permission === 'string' ? <p className="muted small">Needs {detail.permission}</p> : null}
      {detail.via === 'sso' ? <p className="muted small">On first sign-in with single sign-on</p> : null}
      {detail.via === 'operator' ? <p className="muted small">By the server's operator</p> : null}
      {typeof detail.detail === 'string' ? <p className="muted small">{detail.detail}</p> : null}
      {typeof detail.method === 'string' && !reason ? <p className="muted small">With {methodWords(detail.method)}</p> : null}
      {typeof detail.removed === 'number' ? (
        <p className="muted small">{detail.removed.toLocaleString('en-US')} entries older than the retention</p>
      ) : null}
      {refused.length ? (
        <ul className="audit-refused">
          {refused.map((f) => (
            <li key={f.field}>
              {fieldWords(f.field)} {f.message}
            </li>
          ))}
        </ul>
      ) : null}
      {fields.length ? (
        <dl className="audit-changes">
          {fields.map(([field, change]) => (
            <div key={field} className="audit-change">
              <dt>{fieldWords(field)}</dt>
              <dd>
                <Value text={words(field, change.from, names)} kind="from" />
                <span className="audit-arrow" aria-hidden="true">
                  →
                </span>
                <span className="visually-hidden">changed to</span>
                <Value text={words(field, change.to, names)} kind="to" />
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
    </div>
  );
}

const METHODS: Record<string, string> = {
  password: 'password',
  totp: 'authenticator code',
  recovery_code: 'recovery code',
  sso: 'single sign-on',
};
const methodWords = (m: string) => METHODS[m] ?? m.replaceAll('_', ' ');
