import { useQuery, type QueryClient } from '@tanstack/react-query';
import { api } from './client';
import type { Case, Me } from './types';

/** Query keys, in one place so live events and mutations invalidate the same ones. */
export const keys = {
  me: ['me'] as const,
  organisation: ['organisation'] as const,
  users: ['users'] as const,
  teams: ['teams'] as const,
  roles: ['roles'] as const,
  permissions: ['permissions'] as const,
  tokens: ['tokens'] as const,
  work: ['work'] as const,
  workSection: (key: string) => ['work', 'section', key] as const,
  cases: ['cases'] as const,
  caseList: (params: string) => ['cases', params] as const,
  case: (id: string) => ['case', id] as const,
  caseMessages: (id: string) => ['case', id, 'messages'] as const,
  caseEvents: (id: string) => ['case', id, 'events'] as const,
  views: ['views'] as const,
};

export function useMe() {
  return useQuery({ queryKey: keys.me, queryFn: () => api.get<'/me'>('/me'), staleTime: 60_000 });
}

export function useOrganisation() {
  return useQuery({
    queryKey: keys.organisation,
    queryFn: () => api.get<'/organisation'>('/organisation'),
    staleTime: 5 * 60_000,
    retry: false,
  });
}

const fetchUsers = async () => (await api.get<'/users'>('/users')).users;

export function useUsers() {
  return useQuery({ queryKey: keys.users, queryFn: fetchUsers, staleTime: 60_000, retry: false });
}

/** Resolves a user's name outside render (e.g. who won a claim race); "another agent" if unknown. */
export async function lookupUserName(client: QueryClient, id: string | null | undefined): Promise<string> {
  if (!id) return 'another agent';
  try {
    const users = await client.fetchQuery({ queryKey: keys.users, queryFn: fetchUsers, staleTime: 60_000 });
    return users.find((user) => user.id === id)?.name ?? 'another agent';
  } catch {
    return 'another agent';
  }
}

export function useTeams() {
  return useQuery({
    queryKey: keys.teams,
    queryFn: async () => (await api.get<'/teams'>('/teams')).teams,
    staleTime: 60_000,
    retry: false,
  });
}

export function useRoles(enabled = true) {
  return useQuery({
    queryKey: keys.roles,
    queryFn: async () => (await api.get<'/roles'>('/roles')).roles,
    staleTime: 60_000,
    retry: false,
    enabled,
  });
}

/** The zone the user sees dates in: their own, else the organisation's, else the browser's. */
export function useTimeZone(): string {
  const me = useMe();
  const organisation = useOrganisation();
  return me.data?.timeZone ?? organisation.data?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** A lookup from user id to display name ("Someone" when unknown or not visible). */
export function useUserNames(): (id: string | null | undefined) => string {
  const users = useUsers();
  const me = useMe();
  return (id) => {
    if (!id) return 'System';
    if (me.data && id === me.data.id) return me.data.name;
    return users.data?.find((user) => user.id === id)?.name ?? 'Someone';
  };
}

export function hasPermission(me: Me | undefined, permission: string): boolean {
  return Boolean(me?.permissions.includes(permission));
}

/** Whether the Administration area has a page for the user (sharing saved views happens on the Cases page). */
export function hasAnyAdmin(me: Me | undefined): boolean {
  return Boolean(me?.permissions.some((permission) => permission.startsWith('admin.') && permission !== 'admin.views'));
}

/** Everything that shows cases: refetch after a change to any case. */
export function invalidateCaseViews(client: QueryClient, caseId?: string): Promise<unknown> {
  return Promise.all([
    client.invalidateQueries({ queryKey: keys.work }),
    client.invalidateQueries({ queryKey: keys.cases }),
    client.invalidateQueries({ queryKey: keys.views }),
    caseId ? client.invalidateQueries({ queryKey: keys.case(caseId) }) : Promise.resolve(),
  ]);
}

/** Puts a fresh case (as returned by an action) into the cache before the refetch lands. */
export function storeCase(client: QueryClient, value: Case | undefined): void {
  if (value && typeof value === 'object' && 'id' in value && 'actions' in value) {
    client.setQueryData(keys.case(value.id), value);
  }
}
