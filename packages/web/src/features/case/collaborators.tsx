import { useId, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { invalidateCaseViews, useMe, useUsers } from '../../api/queries';
import type { Case } from '../../api/types';
import { Button } from '../../components/button';
import { NamedOptions } from '../../components/named-options';
import { useToast } from '../../components/toast';
import { useCaseActions } from '../case-actions/case-actions-provider';

type Props = { caseItem: Case; markOwn: (phase: 'start' | 'end') => void };

/** Who follows the case; those who may assign can add and remove collaborators. */
export function Collaborators({ caseItem, markOwn }: Props) {
  const users = useUsers();
  const me = useMe().data;
  const client = useQueryClient();
  const toast = useToast();
  const { perform } = useCaseActions();
  const [adding, setAdding] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const selectId = useId();
  const canManage = caseItem.actions.includes('assign');
  const nameOf = (id: string) =>
    id === me?.id ? `${me.name} (you)` : (users.data?.find((user) => user.id === id)?.name ?? 'Unknown user');
  const candidates = (users.data ?? []).filter(
    (user) => user.active && !caseItem.collaboratorIds.includes(user.id) && user.id !== caseItem.ownerId,
  );

  async function change(kind: 'add' | 'remove', userId: string) {
    setBusy(userId);
    markOwn('start');
    try {
      if (kind === 'add') await api.post<'/cases/{id}/collaborators'>(`/cases/${caseItem.id}/collaborators`, { userId });
      else await api.delete<'/cases/{id}/collaborators/{userId}'>(`/cases/${caseItem.id}/collaborators/${encodeURIComponent(userId)}`);
      setAdding('');
    } catch (error) {
      toast.error(error);
    } finally {
      markOwn('end');
      setBusy(null);
      await invalidateCaseViews(client, caseItem.id);
    }
  }

  return (
    <div className="collaborators">
      {caseItem.collaboratorIds.length === 0 ? <p className="muted">Nobody follows this case.</p> : null}
      <ul className="people">
        {caseItem.collaboratorIds.map((id) => (
          <li key={id}>
            <span className="avatar" aria-hidden="true">
              {initials(nameOf(id))}
            </span>
            <span className="people-name">{nameOf(id)}</span>
            {canManage ? (
              <Button
                size="sm"
                variant="ghost"
                busy={busy === id}
                onClick={() => void change('remove', id)}
                aria-label={`Remove ${nameOf(id)}`}
              >
                Remove
              </Button>
            ) : null}
          </li>
        ))}
      </ul>
      {canManage ? (
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            if (adding) void change('add', adding);
          }}
        >
          <label htmlFor={selectId} className="visually-hidden">
            Add a collaborator
          </label>
          <select id={selectId} value={adding} onChange={(event) => setAdding(event.target.value)}>
            <option value="">Add a collaborator…</option>
            <NamedOptions items={candidates} />
          </select>
          <Button type="submit" size="sm" disabled={!adding} busy={busy === adding && adding !== ''}>
            Add
          </Button>
        </form>
      ) : null}
      <div className="follow-row">
        {caseItem.actions.includes('follow') ? (
          <Button size="sm" onClick={() => perform(caseItem, 'follow')}>
            Follow
          </Button>
        ) : null}
        {caseItem.actions.includes('unfollow') ? (
          <Button size="sm" onClick={() => perform(caseItem, 'unfollow')}>
            Unfollow
          </Button>
        ) : null}
      </div>
    </div>
  );
}

export function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part.charAt(0).toUpperCase())
    .join('');
}
