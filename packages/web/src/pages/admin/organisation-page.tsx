import { useEffect, useId, useState } from 'react';
import { AUDIT_RETENTION, LIMITS, type TwoFactorPolicy } from '@casework/domain';
import { api } from '../../api/client';
import { keys, useMe, useOrganisation } from '../../api/queries';
import type { Organisation } from '../../api/types';
import { Button } from '../../components/button';
import { ErrorState } from '../../components/empty-state';
import { LoadingState } from '../../components/spinner';
import { TimeZoneSelect } from '../../components/time-zone-select';
import { useAdminAction } from '../../features/admin/use-admin-action';
import { ManagedTagsField } from '../../features/case-data/managed-tags-field';
import { usePageTitle } from '../../lib/use-page-title';

export function OrganisationPage() {
  usePageTitle('Organisation');
  const organisation = useOrganisation();
  if (organisation.isPending) return <LoadingState />;
  if (organisation.isError) return <ErrorState error={organisation.error} onRetry={() => void organisation.refetch()} />;
  return <OrganisationForm value={organisation.data} />;
}

function OrganisationForm({ value }: { value: Organisation }) {
  const me = useMe().data;
  const { run, busy, fields } = useAdminAction([keys.organisation, keys.work, keys.me]);
  const [name, setName] = useState(value.name);
  const [timeZone, setTimeZone] = useState(value.timeZone);
  const [autoCloseDays, setAutoCloseDays] = useState(String(value.autoCloseDays ?? 14));
  const [spamDays, setSpamDays] = useState(String(value.spamRetentionDays ?? 30));
  const [auditDays, setAuditDays] = useState(String(value.auditRetentionDays ?? AUDIT_RETENTION.defaultDays));
  const [maxOpen, setMaxOpen] = useState(
    value.maxOpenPerUser === null || value.maxOpenPerUser === undefined ? '' : String(value.maxOpenPerUser),
  );
  const [slaGuard, setSlaGuard] = useState(Boolean(value.slaGuard));
  const [managedTags, setManagedTags] = useState<string[] | null>(value.managedTags ?? null);
  const [twoFactor, setTwoFactor] = useState<TwoFactorPolicy>((value.twoFactorRequired as TwoFactorPolicy | undefined) ?? 'off');
  const id = useId();
  useEffect(() => {
    setName(value.name);
    setTimeZone(value.timeZone);
  }, [value.name, value.timeZone]);

  const error = (key: string) => (fields[key] ? <p className="field-error">{fields[key]}</p> : null);
  // The server guards PATCH /organisation with admin.users.
  const canEdit = Boolean(me?.permissions.includes('admin.users'));

  return (
    <form
      className="panel form page-narrow-inner"
      onSubmit={(event) => {
        event.preventDefault();
        void run(
          () =>
            api.patch<'/organisation'>('/organisation', {
              name: name.trim(),
              timeZone,
              autoCloseDays: Number(autoCloseDays),
              spamRetentionDays: Number(spamDays),
              auditRetentionDays: Number(auditDays),
              maxOpenPerUser: maxOpen.trim() === '' ? null : Number(maxOpen),
              slaGuard,
              managedTags,
              twoFactorRequired: twoFactor,
            }),
          'Organisation saved',
        );
      }}
    >
      <h2>Organisation</h2>
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          maxLength={LIMITS.name}
          value={name}
          onChange={(event) => setName(event.target.value)}
          required
          disabled={!canEdit}
        />
        {error('name')}
      </div>
      <div className="field">
        <label htmlFor={`${id}-zone`}>Default time zone</label>
        <TimeZoneSelect id={`${id}-zone`} value={timeZone} onChange={setTimeZone} required />
        <p className="field-hint">Used for users without a zone of their own.</p>
        {error('timeZone')}
      </div>
      <div className="form-row">
        <div className="field">
          <label htmlFor={`${id}-close`}>Close resolved cases after (days)</label>
          <input
            id={`${id}-close`}
            type="number"
            min={1}
            max={365}
            value={autoCloseDays}
            onChange={(event) => setAutoCloseDays(event.target.value)}
            required
          />
          {error('autoCloseDays')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-max`}>Maximum open cases per user</label>
          <input
            id={`${id}-max`}
            type="number"
            min={1}
            value={maxOpen}
            onChange={(event) => setMaxOpen(event.target.value)}
            placeholder="No limit"
          />
          <p className="field-hint">Leave empty for no limit. Claims beyond it are refused.</p>
          {error('maxOpenPerUser')}
        </div>
      </div>
      <div className="field">
        <label className="check">
          <input
            type="checkbox"
            checked={slaGuard}
            onChange={(event) => setSlaGuard(event.target.checked)}
            aria-describedby={`${id}-guard-hint`}
          />
          SLA guard for Next Unassigned
        </label>
        <p className="field-hint" id={`${id}-guard-hint`}>
          A queued case whose first response is due soon or breached is offered and claimed first, the most urgent of them; off, the usual
          order applies.
        </p>
        {error('slaGuard')}
      </div>
      <div className="form-row">
        <div className="field">
          <label htmlFor={`${id}-spam`}>Delete spam after (days)</label>
          <input
            id={`${id}-spam`}
            type="number"
            min={1}
            max={3650}
            value={spamDays}
            onChange={(event) => setSpamDays(event.target.value)}
            required
            aria-describedby={`${id}-spam-hint`}
          />
          <p className="field-hint" id={`${id}-spam-hint`}>
            Cases marked as spam are deleted with their messages and files this many days later.
          </p>
          {error('spamRetentionDays')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-audit`}>Keep the audit log for (days)</label>
          <input
            id={`${id}-audit`}
            type="number"
            min={AUDIT_RETENTION.minDays}
            max={AUDIT_RETENTION.maxDays}
            value={auditDays}
            onChange={(event) => setAuditDays(event.target.value)}
            required
            aria-describedby={`${id}-audit-hint`}
          />
          <p className="field-hint" id={`${id}-audit-hint`}>
            Sign-ins and changes older than this are removed ({AUDIT_RETENTION.minDays}–{AUDIT_RETENTION.maxDays} days).
          </p>
          {error('auditRetentionDays')}
        </div>
      </div>
      <ManagedTagsField
        value={managedTags}
        onChange={setManagedTags}
        disabled={!canEdit}
        error={Object.entries(fields).find(([key]) => key.startsWith('managedTags'))?.[1]}
      />
      <div className="field">
        <label htmlFor={`${id}-2fa`}>Require two-factor sign-in</label>
        <select id={`${id}-2fa`} value={twoFactor} onChange={(event) => setTwoFactor(event.target.value as TwoFactorPolicy)}>
          <option value="off">No one (each user may turn it on)</option>
          <option value="admins">Administrators</option>
          <option value="everyone">Everyone</option>
        </select>
        <p className="field-hint">
          Users it applies to who have not set it up are asked to do so right after signing in. API tokens are not affected.
        </p>
        {error('twoFactorRequired')}
      </div>
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={busy} disabled={!canEdit}>
          Save
        </Button>
      </div>
    </form>
  );
}
