import { useTeams } from '../../api/queries';
import { Button } from '../../components/button';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { DataTable } from '../../components/data-table';
import { EmptyState } from '../../components/empty-state';
import { QueryStates } from '../../components/query-states';
import { AdminSection } from '../../features/admin/admin-section';
import { useEditAndRemove } from '../../features/admin/use-edit-and-remove';
import { FieldDialog } from '../../features/case-fields/field-dialog';
import { FIELD_TYPE_LABEL, fieldKeys, useCaseFields, type CaseField } from '../../features/case-fields/fields-api';
import { AdminPage } from './admin-layout';

export function FieldsPage() {
  return (
    <AdminPage title="Case fields" permission="admin.fields">
      <FieldsTable />
    </AdminPage>
  );
}

function FieldsTable() {
  const fields = useCaseFields();
  const teams = useTeams();
  const teamName = (id: string) => teams.data?.find((team) => team.id === id)?.name ?? 'Unknown team';
  const list = useEditAndRemove<CaseField>(
    fieldKeys.fields,
    (field) => `/case-fields/${field.key}`,
    (field) => `${field.label} deleted`,
  );
  const { editing, removing } = list;

  return (
    <AdminSection id="fields" title="Case fields" newLabel="New field" onNew={() => list.setEditing('new')}>
      <p className="muted section-lead">
        Custom fields add your own facts to every case: a plan, an order number, a root cause. Agents fill them in on the case page; the
        Cases list filters by them.
      </p>
      <QueryStates
        query={fields}
        loadingLabel="Loading fields…"
        empty={<EmptyState title="No custom fields yet">Add one to record what your team needs to know about each case.</EmptyState>}
      />
      {fields.data?.length ? (
        <DataTable columns={['Field', 'Type', 'Options', 'Teams', 'Resolving']} stacked>
          {fields.data.map((field) => (
            <tr key={field.key}>
              <td data-label="Field">
                <div className="cell-title">{field.label}</div>
                <code className="muted">{field.key}</code>
              </td>
              <td data-label="Type">{FIELD_TYPE_LABEL[field.type]}</td>
              <td data-label="Options">
                {field.options?.length ? (
                  <span className="chip-row">
                    {field.options.map((option) => (
                      <span key={option} className="chip">
                        {option}
                      </span>
                    ))}
                  </span>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td data-label="Teams">
                {field.teamIds.length ? field.teamIds.map(teamName).join(', ') : <span className="muted">All teams</span>}
              </td>
              <td data-label="Resolving">
                {field.required ? <span className="chip chip-waiting">Required</span> : <span className="muted">Optional</span>}
              </td>
              <td className="cell-actions">
                <Button size="sm" onClick={() => list.setEditing(field)} aria-label={`Edit field ${field.label}`}>
                  Edit
                </Button>
                <Button size="sm" variant="danger" onClick={() => list.setRemoving(field)} aria-label={`Delete field ${field.label}`}>
                  Delete
                </Button>
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {editing ? <FieldDialog field={editing === 'new' ? null : editing} onClose={() => list.setEditing(null)} /> : null}
      {removing ? (
        <ConfirmDialog
          title={`Delete ${removing.label}?`}
          confirmLabel="Delete field"
          cancelLabel="Keep"
          danger
          busy={list.busy}
          onClose={() => list.setRemoving(null)}
          onConfirm={() => void list.remove(removing)}
        >
          <p>Every case loses its {removing.label} value. This cannot be undone.</p>
        </ConfirmDialog>
      ) : null}
    </AdminSection>
  );
}
