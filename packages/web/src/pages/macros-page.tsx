import { useTeams } from '../api/queries';
import { Button } from '../components/button';
import { ConfirmDialog } from '../components/confirm-dialog';
import { DataTable } from '../components/data-table';
import { EmptyState } from '../components/empty-state';
import { QueryStates } from '../components/query-states';
import { useEditAndRemove } from '../features/admin/use-edit-and-remove';
import { scopeText } from '../features/canned-replies/canned-api';
import { MacroDialog } from '../features/macros/macro-dialog';
import { describeStep, macroKeys, useMacros, type Macro } from '../features/macros/macros-api';
import { usePageTitle } from '../lib/use-page-title';

/** Macros: the ones this user may use, with their steps and scope; write, change and remove those they may keep. */
export function MacrosPage() {
  usePageTitle('Macros');
  const macros = useMacros();
  const teams = useTeams().data ?? [];
  const teamName = (id: string) => teams.find((t) => t.id === id)?.name ?? 'another team';
  const list = useEditAndRemove<Macro>(
    macroKeys.list,
    (macro) => `/macros/${macro.id}`,
    (macro) => `${macro.title} deleted`,
  );
  const { editing, removing } = list;

  return (
    <div className="page page-macros">
      <div className="page-header">
        <div>
          <h1>Macros</h1>
          <p className="muted section-lead">
            Several steps applied to a case at once: a reply or note, tags, priority, fields, and a status change. On a case, press{' '}
            <kbd>m</kbd> or <strong>Apply macro…</strong>; only macros whose every step you may take there are offered.
          </p>
        </div>
        <Button variant="primary" onClick={() => list.setEditing('new')}>
          New macro
        </Button>
      </div>
      <QueryStates
        query={macros}
        loadingLabel="Loading macros…"
        empty={
          <EmptyState title="No macros yet">Save the steps you repeat most, such as tagging, replying and resolving in one go.</EmptyState>
        }
      />
      {macros.data?.length ? (
        <DataTable columns={['Macro', 'Who can use it', 'Updated']} stacked>
          {macros.data.map((macro) => (
            <tr key={macro.id}>
              <td data-label="Macro">
                <div className="canned-cell">
                  <div className="cell-title">{macro.title}</div>
                  <ol className="muted macro-step-summary">
                    {macro.steps.map((s, i) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: steps have no id; their order is their identity
                      <li key={i}>{describeStep(s, teamName)}</li>
                    ))}
                  </ol>
                </div>
              </td>
              <td data-label="Who can use it">
                <span className={`chip chip-scope chip-scope-${macro.scope}`}>{scopeText(macro)}</span>
              </td>
              <td data-label="Updated" className="muted">
                {new Date(macro.updatedAt).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' })}
              </td>
              <td className="cell-actions">
                {macro.editable ? (
                  <>
                    <Button size="sm" onClick={() => list.setEditing(macro)} aria-label={`Edit macro ${macro.title}`}>
                      Edit
                    </Button>
                    <Button size="sm" variant="danger" onClick={() => list.setRemoving(macro)} aria-label={`Delete macro ${macro.title}`}>
                      Delete
                    </Button>
                  </>
                ) : (
                  <span className="muted">Read only</span>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {editing ? <MacroDialog macro={editing === 'new' ? null : editing} onClose={() => list.setEditing(null)} /> : null}
      {removing ? (
        <ConfirmDialog
          title={`Delete ${removing.title}?`}
          confirmLabel="Delete macro"
          cancelLabel="Keep"
          danger
          busy={list.busy}
          onClose={() => list.setRemoving(null)}
          onConfirm={() => void list.remove(removing)}
        >
          <p>
            {removing.scope === 'personal' ? 'It' : `Everyone who uses it (${scopeText(removing)})`} can no longer apply it. This cannot be
            undone.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
