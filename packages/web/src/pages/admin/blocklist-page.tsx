import { useId, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { useTimeZone } from '../../api/queries';
import { Button } from '../../components/button';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { DataTable } from '../../components/data-table';
import { Dialog } from '../../components/dialog';
import { EmptyState } from '../../components/empty-state';
import { FormButtons } from '../../components/form-buttons';
import { QueryStates } from '../../components/query-states';
import { AdminSection } from '../../features/admin/admin-section';
import { useAdminAction } from '../../features/admin/use-admin-action';
import { formatDateTime } from '../../lib/time';
import { AdminPage } from './admin-layout';

type Kind = 'email' | 'domain';
type Entry = { value: string; kind: Kind; createdAt: string };

const blocklistKey = ['blocklist'] as const;
const KIND_LABEL: Record<Kind, string> = { email: 'Address', domain: 'Domain' };

/** Administration → Blocklist (SPEC §13): senders and domains whose mail arrives as spam and gets no automatic answer. */
export function BlocklistPage() {
  return (
    <AdminPage title="Blocklist" permission="admin.channels">
      <Blocklist />
    </AdminPage>
  );
}

function Blocklist() {
  const timeZone = useTimeZone();
  const list = useQuery({ queryKey: blocklistKey, queryFn: async () => (await api.get<'/blocklist'>('/blocklist')).entries as Entry[] });
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Entry | null>(null);
  const { run, busy } = useAdminAction([blocklistKey]);

  async function remove(entry: Entry) {
    const done = await run(
      () => api.delete<'/blocklist'>('/blocklist', { entries: [{ kind: entry.kind, value: entry.value }] }),
      `${entry.value} unblocked`,
    );
    if (done !== undefined) setRemoving(null);
  }

  return (
    <AdminSection id="blocklist" title="Blocklist" newLabel="Block sender or domain" onNew={() => setAdding(true)}>
      <p className="muted section-lead">
        Mail from a blocked address or domain (and its subdomains) still arrives, as a spam case: never in a queue, never answered
        automatically, and deleted after the organisation’s spam retention period. Agents can also block a sender when they mark a case as
        spam.
      </p>
      <QueryStates
        query={list}
        loadingLabel="Loading the blocklist…"
        empty={
          <EmptyState title="Nobody is blocked">
            Block a sender or a whole domain here, or choose “Block” when marking a case as spam.
          </EmptyState>
        }
      />
      {list.data?.length ? (
        <DataTable columns={['Sender', 'Kind', 'Blocked']} stacked>
          {list.data.map((entry) => (
            <tr key={`${entry.kind}:${entry.value}`}>
              <td className="cell-title mono break" data-label="Sender">
                {entry.kind === 'domain' ? `*@${entry.value}` : entry.value}
              </td>
              <td data-label="Kind">{KIND_LABEL[entry.kind]}</td>
              <td data-label="Blocked">{formatDateTime(entry.createdAt, timeZone)}</td>
              <td className="cell-actions">
                <Button size="sm" variant="ghost" onClick={() => setRemoving(entry)} aria-label={`Unblock ${entry.value}`}>
                  Unblock
                </Button>
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {adding ? <BlockDialog onClose={() => setAdding(false)} /> : null}
      {removing ? (
        <ConfirmDialog
          title={`Unblock ${removing.value}?`}
          confirmLabel="Unblock"
          cancelLabel="Keep blocked"
          busy={busy}
          onClose={() => setRemoving(null)}
          onConfirm={() => void remove(removing)}
        >
          <p>
            New mail from {removing.kind === 'domain' ? 'this domain' : 'this address'} opens ordinary cases again. Cases already marked as
            spam stay spam.
          </p>
        </ConfirmDialog>
      ) : null}
    </AdminSection>
  );
}

function BlockDialog({ onClose }: { onClose: () => void }) {
  const { run, busy, fields } = useAdminAction([blocklistKey]);
  const [kind, setKind] = useState<Kind>('email');
  const [value, setValue] = useState('');
  const valueId = useId();
  const error = fields['entries[0].value'] ?? fields.entries;

  async function save() {
    const done = await run(
      () => api.post<'/blocklist'>('/blocklist', { entries: [{ kind, value: value.trim() }] }),
      `${value.trim().toLowerCase()} blocked`,
    );
    if (done !== undefined) onClose();
  }

  return (
    <Dialog
      title="Block a sender or domain"
      size="sm"
      onClose={onClose}
      onSubmit={() => void save()}
      footer={
        <FormButtons onCancel={onClose} busy={busy} disabled={!value.trim()}>
          Block
        </FormButtons>
      }
    >
      <fieldset className="radio-list">
        <legend>Block</legend>
        <label className="check">
          <input type="radio" name="block-kind" checked={kind === 'email'} onChange={() => setKind('email')} />
          One address
        </label>
        <label className="check">
          <input type="radio" name="block-kind" checked={kind === 'domain'} onChange={() => setKind('domain')} />A whole domain and its
          subdomains
        </label>
      </fieldset>
      <div className="field">
        <label htmlFor={valueId}>{kind === 'email' ? 'Email address' : 'Domain'}</label>
        <input
          id={valueId}
          value={value}
          maxLength={254}
          placeholder={kind === 'email' ? 'name@example.com' : 'example.com'}
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => setValue(event.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${valueId}-error` : undefined}
          required
          data-autofocus
        />
        {error ? (
          <p className="field-error" id={`${valueId}-error`}>
            {kind === 'email' ? 'Email address' : 'Domain'} {error}
          </p>
        ) : null}
      </div>
    </Dialog>
  );
}
