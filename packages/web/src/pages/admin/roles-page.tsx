import { useId, useState } from 'react';
import { LIMITS } from '@casework/domain';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { keys, useRoles } from '../../api/queries';
import type { Permission, Role } from '../../api/types';
import { Button } from '../../components/button';
import { DataTable } from '../../components/data-table';
import { Dialog } from '../../components/dialog';
import { FormButtons } from '../../components/form-buttons';
import { QueryStates } from '../../components/query-states';
import { LoadingState } from '../../components/spinner';
import { AdminSection } from '../../features/admin/admin-section';
import { useAdminAction } from '../../features/admin/use-admin-action';
import { AdminPage } from './admin-layout';

type Editing = { role: Role | null; draft?: { name: string; permissions: string[] } };

export function RolesPage() {
  return (
    <AdminPage title="Roles" permission="admin.roles">
      <RolesList />
    </AdminPage>
  );
}

function usePermissions() {
  return useQuery({
    queryKey: keys.permissions,
    queryFn: async () => (await api.get<'/permissions'>('/permissions')).permissions,
    staleTime: 5 * 60_000,
  });
}

function RolesList() {
  const roles = useRoles();
  const [editing, setEditing] = useState<Editing | null>(null);
  return (
    <AdminSection id="roles" title="Roles" newLabel="New role" onNew={() => setEditing({ role: null })}>
      <QueryStates query={roles} />
      {roles.data ? (
        <DataTable columns={['Role', 'Permissions']}>
          {roles.data.map((role) => (
            <tr key={role.id}>
              <td>
                <span className="cell-title">{role.name}</span> {role.builtin ? <span className="chip">Built-in</span> : null}
              </td>
              <td className="muted">{role.permissions.length} permissions</td>
              <td className="cell-actions">
                <Button size="sm" onClick={() => setEditing({ role })}>
                  {role.builtin ? 'View' : 'Edit'}
                </Button>
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() => setEditing({ role: null, draft: { name: `${role.name} (copy)`, permissions: role.permissions } })}
                >
                  Make a copy
                </Button>
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {editing ? (
        <RoleDialog editing={editing} onClose={() => setEditing(null)} onCopy={(draft) => setEditing({ role: null, draft })} />
      ) : null}
    </AdminSection>
  );
}

type DialogProps = { editing: Editing; onClose: () => void; onCopy: (draft: { name: string; permissions: string[] }) => void };

function RoleDialog({ editing, onClose, onCopy }: DialogProps) {
  const { role } = editing;
  const permissions = usePermissions();
  const { run, busy, fields } = useAdminAction([keys.roles, keys.me]);
  const [name, setName] = useState(editing.draft?.name ?? role?.name ?? '');
  const [selected, setSelected] = useState<string[]>(editing.draft?.permissions ?? role?.permissions ?? []);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const nameId = useId();
  const readOnly = Boolean(role?.builtin);

  async function save() {
    if (readOnly) return;
    const body = { name: name.trim(), permissions: selected };
    const done = role
      ? await run(() => api.patch<'/roles/{id}'>(`/roles/${role.id}`, body), `${body.name} saved`)
      : await run(() => api.post<'/roles'>('/roles', body), `${body.name} created`);
    if (done !== undefined) onClose();
  }

  async function remove() {
    if (!role) return;
    const done = await run(() => api.delete<'/roles/{id}'>(`/roles/${role.id}`).then(() => true), `${role.name} deleted`);
    if (done) onClose();
  }

  const groups = groupPermissions(permissions.data ?? selected.map((key) => ({ key, description: key })));
  return (
    <Dialog
      title={role ? (readOnly ? `${role.name} (built-in)` : `Edit ${role.name}`) : 'New role'}
      onClose={onClose}
      onSubmit={() => void save()}
      description={readOnly ? <p>Built-in roles cannot be changed. Make a copy to adjust it.</p> : undefined}
      footer={
        readOnly ? (
          <>
            <Button onClick={onClose}>Close</Button>
            <Button variant="primary" onClick={() => onCopy({ name: `${role?.name} (copy)`, permissions: selected })}>
              Make a copy
            </Button>
          </>
        ) : (
          <>
            {role ? (
              confirmDelete ? (
                <Button variant="danger" busy={busy} onClick={() => void remove()}>
                  Really delete?
                </Button>
              ) : (
                <Button variant="ghost" onClick={() => setConfirmDelete(true)}>
                  Delete role
                </Button>
              )
            ) : null}
            <span className="spacer" />
            <FormButtons onCancel={onClose} busy={busy} disabled={!name.trim()}>
              {role ? 'Save' : 'Create role'}
            </FormButtons>
          </>
        )
      }
    >
      <div className="field">
        <label htmlFor={nameId}>Name</label>
        <input
          id={nameId}
          maxLength={LIMITS.shortName}
          value={name}
          onChange={(event) => setName(event.target.value)}
          readOnly={readOnly}
          required
        />
        {fields.name ? <p className="field-error">{fields.name}</p> : null}
      </div>
      {permissions.isPending ? <LoadingState label="Loading permissions…" /> : null}
      {Object.entries(groups).map(([group, items]) => (
        <fieldset key={group} className="fieldset">
          <legend>{group}</legend>
          <div className="check-list">
            {items.map((permission) => (
              <label key={permission.key} className="check">
                <input
                  type="checkbox"
                  checked={selected.includes(permission.key)}
                  disabled={readOnly}
                  onChange={(event) =>
                    setSelected((current) =>
                      event.target.checked ? [...current, permission.key] : current.filter((key) => key !== permission.key),
                    )
                  }
                />
                <span>
                  <code>{permission.key}</code>{' '}
                  <span className="muted">{permission.description !== permission.key ? permission.description : ''}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
      ))}
    </Dialog>
  );
}

function groupPermissions(list: Permission[]): Record<string, Permission[]> {
  const groups: Record<string, Permission[]> = {};
  for (const permission of list) {
    const prefix = permission.key.split('.')[0] ?? 'other';
    const title = prefix === 'case' ? 'Cases' : prefix === 'admin' ? 'Administration' : prefix.charAt(0).toUpperCase() + prefix.slice(1);
    const group = groups[title] ?? [];
    group.push(permission);
    groups[title] = group;
  }
  return groups;
}
