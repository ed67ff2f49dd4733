import { useId, useState } from 'react';
import { useNavigate } from 'react-router';
import { LIMITS } from '@casework/domain';
import { api } from '../../api/client';
import { hasPermission, keys, useMe, useTeams } from '../../api/queries';
import { Button } from '../../components/button';
import { Dialog } from '../../components/dialog';
import { FormButtons } from '../../components/form-buttons';
import { useAdminAction } from '../admin/use-admin-action';
import { filtersOf, viewHref, type SavedView } from './views-api';

type ViewDialogProps = {
  /** The view to change; none: save the current filters as a new view. */
  view?: SavedView;
  /** The list's current filters (query string). */
  query: string;
  onClose: () => void;
};

/** Save the list's filters as a view, or rename, re-share or remove one; sharing with teams needs admin.views. */
export function ViewDialog({ view, query, onClose }: ViewDialogProps) {
  const me = useMe().data;
  const teams = useTeams();
  const navigate = useNavigate();
  const mayShare = hasPermission(me, 'admin.views');
  const [name, setName] = useState(view?.name ?? '');
  const [shared, setShared] = useState(view ? view.shared !== null : false);
  const [teamIds, setTeamIds] = useState<string[]>(view?.shared?.teamIds ?? me?.teamIds ?? []);
  const action = useAdminAction([keys.views]);
  const nameId = useId();
  const sharing = shared && mayShare;

  async function submit() {
    const body = {
      name: name.trim(),
      filters: filtersOf(query),
      ...(mayShare || view?.shared === null ? { shared: sharing ? { teamIds } : null } : {}),
    };
    const saved = await action.run(
      () => (view ? api.patch<'/views/{id}'>(`/views/${view.id}`, body) : api.post<'/views'>('/views', body)),
      view ? 'View saved' : 'View created',
    );
    if (saved) {
      onClose();
      navigate(viewHref(saved), { replace: true });
    }
  }

  async function remove() {
    if (!view) return;
    const done = await action.run(async () => {
      await api.delete<'/views/{id}'>(`/views/${view.id}`);
      return true;
    }, 'View removed');
    if (done) {
      onClose();
      navigate(`/cases${query ? `?${query}` : ''}`, { replace: true });
    }
  }

  const nameError = action.fields.name;
  const teamsError = action.fields['shared.teamIds'];
  return (
    <Dialog
      title={view ? `Edit view “${view.name}”` : 'Save view'}
      onClose={onClose}
      onSubmit={() => void submit()}
      footer={
        <>
          {view ? (
            <Button variant="danger" onClick={() => void remove()} disabled={action.busy}>
              Remove view
            </Button>
          ) : null}
          <FormButtons onCancel={onClose} busy={action.busy} disabled={!name.trim() || (sharing && teamIds.length === 0)}>
            Save view
          </FormButtons>
        </>
      }
      description={
        view ? 'Saves the filters shown now, under this name.' : 'Keeps the filters shown now in your navigation, with a live count.'
      }
    >
      <div className="field">
        <label htmlFor={nameId}>Name</label>
        <input
          id={nameId}
          value={name}
          maxLength={LIMITS.shortName}
          onChange={(event) => setName(event.target.value)}
          aria-invalid={nameError ? true : undefined}
          aria-describedby={nameError ? `${nameId}-error` : undefined}
          required
        />
        {nameError ? (
          <p className="field-error" id={`${nameId}-error`}>
            Name {nameError}
          </p>
        ) : null}
      </div>
      {mayShare ? (
        <fieldset className="field share-field">
          <legend>Who sees it</legend>
          <label className="check">
            <input type="radio" name="view-share" checked={!shared} onChange={() => setShared(false)} />
            Only me
          </label>
          <label className="check">
            <input type="radio" name="view-share" checked={shared} onChange={() => setShared(true)} />
            Members of these teams
          </label>
          {shared ? (
            <fieldset className="share-teams" aria-label="Teams that see the view">
              {(teams.data ?? []).map((team) => (
                <label key={team.id} className="check">
                  <input
                    type="checkbox"
                    checked={teamIds.includes(team.id)}
                    onChange={(event) =>
                      setTeamIds((current) => (event.target.checked ? [...current, team.id] : current.filter((id) => id !== team.id)))
                    }
                  />
                  {team.name}
                </label>
              ))}
            </fieldset>
          ) : null}
          {teamsError ? <p className="field-error">Teams {teamsError}</p> : null}
        </fieldset>
      ) : null}
    </Dialog>
  );
}
