import type { Team, User } from '../../api/types';

/**
 * Active users who may own cases of every team in `teamIds`, by name: only members can own a
 * team's cases, and membership shows in the team's list or in the user's own teams.
 */
export function eligibleOwners(users: User[] | undefined, teams: Team[] | undefined, teamIds: string[]): User[] {
  const memberOf = (user: User, teamId: string) =>
    Boolean(teams?.find((team) => team.id === teamId)?.memberIds.includes(user.id)) || user.teamIds.includes(teamId);
  return (users ?? [])
    .filter((user) => user.active && teamIds.every((teamId) => memberOf(user, teamId)))
    .sort((a, b) => a.name.localeCompare(b.name));
}
