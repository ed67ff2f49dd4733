import { useState } from "react";
import { useOrganisation, useRoles, useTeams, useUsers } from "../../api/queries";
import type { User } from "../../api/types";
import { Button } from "../../components/button";
import { EmptyState, ErrorState } from "../../components/empty-state";
import { LoadingState } from "../../components/spinner";
import { UserDialog } from "../../features/admin/user-dialog";
import { usePageTitle } from "../../lib/use-page-title";
import { RequireAdmin } from "./admin-layout";

export function UsersPage() {
  usePageTitle("Users");
  return (
    <RequireAdmin permission="admin.users">
      <UsersTable />
    </RequireAdmin>
  );
}

function UsersTable() {
  const users = useUsers();
  const teams = useTeams();
  const roles = useRoles();
  const orgZone = useOrganisation().data?.timeZone ?? "organisation";
  const [editing, setEditing] = useState<User | "new" | null>(null);
  const teamName = (id: string) => teams.data?.find((team) => team.id === id)?.name ?? "—";
  const roleName = (id: string) => roles.data?.find((role) => role.id === id || role.name === id)?.name ?? id;

  return (
    <section aria-labelledby="users-title">
      <div className="section-header">
        <h2 id="users-title">Users</h2>
        <Button variant="primary" onClick={() => setEditing("new")}>
          New user
        </Button>
      </div>
      {users.isPending ? <LoadingState /> : null}
      {users.isError ? <ErrorState error={users.error} onRetry={() => void users.refetch()} /> : null}
      {users.data?.length === 0 ? <EmptyState title="No users yet" /> : null}
      {users.data?.length ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Teams</th>
                <th scope="col">Time zone</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((user) => (
                <tr key={user.id} className={user.active ? undefined : "is-inactive"}>
                  <td>
                    <div className="cell-title">{user.name}</div>
                    <div className="muted">{user.email}</div>
                  </td>
                  <td>{roleName(user.role)}</td>
                  <td>{user.teamIds.length ? user.teamIds.map(teamName).join(", ") : <span className="muted">None</span>}</td>
                  <td>{user.timeZone ?? <span className="muted">Default ({orgZone})</span>}</td>
                  <td>
                    <span className={`chip ${user.active ? "chip-ready" : "chip-closed"}`}>{user.active ? "Active" : "Inactive"}</span>
                  </td>
                  <td className="cell-actions">
                    <Button size="sm" onClick={() => setEditing(user)} aria-label={`Edit ${user.name}`}>
                      Edit
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {editing ? <UserDialog user={editing === "new" ? null : editing} onClose={() => setEditing(null)} /> : null}
    </section>
  );
}
