import { useState } from 'react';
import { useOrganisation, useRoles, useTeams, useUsers } from '../../api/queries';
import type { User } from '../../api/types';
import { Button } from '../../components/button';
import { DataTable } from '../../components/data-table';
import { EmptyState } from '../../components/empty-state';
import { QueryStates } from '../../components/query-states';
import { AdminSection } from '../../features/admin/admin-section';
import { UserDialog } from '../../features/admin/user-dialog';
import { InvitationsSection } from '../../features/admin/invitations-section';
import { AdminPage } from './admin-layout';

export function UsersPage() {
  const timeZone = useOrganisation().data?.timeZone ?? 'UTC';
  return (
    <AdminPage title="Users" permission="admin.users">
      <UsersTable />
      <InvitationsSection timeZone={timeZone} />
    </AdminPage>
  );
}

function UsersTable() {
  const users = useUsers();
  const teams = useTeams();
  const roles = useRoles();
  const orgZone = useOrganisation().data?.timeZone ?? 'organisation';
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const teamName = (id: string) => teams.data?.find((team) => team.id === id)?.name ?? '—';
  const roleName = (id: string) => roles.data?.find((role) => role.id === id || role.name === id)?.name ?? id;

  return (
    <AdminSection id="users" title="Users" newLabel="New user" onNew={() => setEditing('new')}>
      <QueryStates query={users} empty={<EmptyState title="No users yet" />} />
      {users.data?.length ? (
        <DataTable columns={['Name', 'Role', 'Teams', 'Time zone', 'Status']}>
          {users.data.map((user) => (
            <tr key={user.id} className={user.active ? undefined : 'is-inactive'}>
              <td>
                <div className="cell-title">{user.name}</div>
                <div className="muted">{user.email}</div>
              </td>
              <td>{roleName(user.role)}</td>
              <td>{user.teamIds.length ? user.teamIds.map(teamName).join(', ') : <span className="muted">None</span>}</td>
              <td>{user.timeZone ?? <span className="muted">Default ({orgZone})</span>}</td>
              <td>
                <span className={`chip ${user.active ? 'chip-ready' : 'chip-closed'}`}>{user.active ? 'Active' : 'Inactive'}</span>
              </td>
              <td className="cell-actions">
                <Button size="sm" onClick={() => setEditing(user)} aria-label={`Edit ${user.name}`}>
                  Edit
                </Button>
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {editing ? <UserDialog user={editing === 'new' ? null : editing} onClose={() => setEditing(null)} /> : null}
    </AdminSection>
  );
}
