import {
  DEFAULT_PRIORITY,
  editFieldValues,
  isOpen,
  priorityRank,
  readNewCaseData,
  TYPE_RANK,
  type CaseType,
  type FieldDefinition,
  type LastMessage,
  type Resolution,
  type Status,
} from '@casework/domain';
import type { CustomerInput } from '../db/repos/customers.ts';
import type { FieldError } from '../errors.ts';

/** One message of an imported conversation (SPEC §10 `messages`; checked and stored by import-messages.ts). */
export type ImportMessage = {
  direction: 'inbound' | 'outbound' | 'note';
  body: string;
  authorId?: string | null;
  createdAt: string;
};

/** One case as another helpdesk exports it (SPEC §8 `POST /api/v1/import/cases`). */
export type ImportItem = {
  subject: string;
  type: CaseType;
  teamId: string;
  status: Status;
  ownerId?: string | null;
  createdAt: string;
  resolvedAt?: string | null;
  wakeAt?: string | null;
  collaboratorIds?: string[];
  customer?: CustomerInput | null;
  resolution?: Resolution | null;
  description?: string | null;
  /** The conversation, any order (SPEC §10): stored as history, never sent. */
  messages?: ImportMessage[];
  /** Custom field values `{key: value}`, checked like an edit (SPEC §10). */
  fields?: Record<string, unknown> | null;
  /** low, normal (default), high or urgent (SPEC §10). */
  priority?: string | null;
  /** Tags, read as the API reads them (lower-case; with a managed list, only its tags). */
  tags?: string[] | null;
};

/** A validated case, ready to insert. */
export type ImportRow = {
  subject: string;
  description: string | null;
  type: CaseType;
  typeRank: number;
  status: Status;
  resolution: Resolution | null;
  teamId: string;
  ownerId: string | null;
  createdAt: Date;
  resolvedAt: Date | null;
  wakeAt: Date | null;
  lastActivityAt: Date;
  collaboratorIds: string[];
  customer: CustomerInput | null;
  /** The custom field values as JSON, or null for none. */
  fields: string | null;
  /** The priority's rank (see db/sql-rules.ts). */
  priority: number;
  /** Lower-case, sorted. */
  tags: string[];
  /** The conversation's last public message, for cards (set with the messages). */
  lastMessage?: LastMessage | null;
};

/**
 * What the database said about the ids the items name (see namedIds): the ones that do not
 * exist or do not qualify. Every other named id exists, and every other named owner is an
 * active member of the team. Usually all four are empty.
 */
export type KnownIds = { missingTeams: Set<string>; missingUsers: Set<string>; inactiveUsers: Set<string>; nonMembers: Set<string> };

export const memberKey = (teamId: string, userId: string) => `${teamId}:${userId}`;
export const MAX_ERRORS = 100;
const NONE: string[] = [];

const time = (s: string | null | undefined): Date | null | 'invalid' => {
  if (s === undefined || s === null) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? 'invalid' : d;
};

/** The resolution a finished case gets: given, or completed (canceled for a canceled case). */
function resolutionOf(item: ImportItem, err: (field: string, message: string) => void): Resolution | null {
  if (isOpen(item.status)) {
    if (item.resolution) err('resolution', 'only a resolved, closed or canceled case has a resolution');
    return null;
  }
  if (item.status === 'canceled') {
    if (item.resolution && item.resolution !== 'canceled') err('resolution', 'a canceled case has resolution canceled');
    return 'canceled';
  }
  if (item.resolution === 'canceled') err('resolution', 'a case resolved as canceled has status canceled');
  return item.resolution ?? 'completed';
}

function ownerOf(item: ImportItem, known: KnownIds, err: (field: string, message: string) => void): string | null {
  const ownerId = item.ownerId?.toLowerCase() ?? null;
  if (!ownerId) return null;
  if (item.status === 'new') err('ownerId', 'a new case has no owner (use status ready)');
  else if (known.missingUsers.has(ownerId)) err('ownerId', 'no such user');
  else if (known.inactiveUsers.has(ownerId) || known.nonMembers.has(memberKey(item.teamId.toLowerCase(), ownerId))) {
    err('ownerId', 'the owner must be an active member of the team');
  }
  return ownerId;
}

function timesOf(item: ImportItem, err: (field: string, message: string) => void) {
  const createdAt = time(item.createdAt);
  let resolvedAt = time(item.resolvedAt);
  const wakeAt = time(item.wakeAt);
  if (createdAt === 'invalid' || createdAt === null) err('createdAt', 'must be a date-time');
  if (resolvedAt === 'invalid') err('resolvedAt', 'must be a date-time');
  if (wakeAt === 'invalid') err('wakeAt', 'must be a date-time');
  if (wakeAt && item.status !== 'waiting') err('wakeAt', 'only a waiting case has a wake time');
  if (resolvedAt && isOpen(item.status)) err('resolvedAt', 'only a resolved, closed or canceled case has a resolved time');
  if (!isOpen(item.status) && resolvedAt === null && createdAt instanceof Date) resolvedAt = createdAt;
  if (resolvedAt instanceof Date && createdAt instanceof Date && resolvedAt < createdAt) err('resolvedAt', 'must not be before createdAt');
  return { createdAt, resolvedAt, wakeAt };
}

/** The item's field values as stored (JSON), checked by the domain as an edit of an empty case; problems are named `fields.<key>`. */
function fieldsOf(item: ImportItem, teamId: string, defs: readonly FieldDefinition[], err: (field: string, message: string) => void) {
  if (!item.fields || Object.keys(item.fields).length === 0) return null;
  const edit = editFieldValues(defs, teamId, {}, item.fields);
  if (!edit.ok) {
    for (const p of edit.problems) err(p.field, p.message);
    return null;
  }
  return Object.keys(edit.values).length ? JSON.stringify(edit.values) : null;
}

/** The item's priority rank (default normal) and tags (checked by the domain, as the API checks them). */
function dataOf(item: ImportItem, managed: readonly string[] | null, err: (field: string, message: string) => void) {
  const read = readNewCaseData(item, managed);
  if (!read.ok) {
    for (const p of read.problems) err(p.field, p.message);
    return { priority: priorityRank(DEFAULT_PRIORITY), tags: [] as string[] };
  }
  return { priority: priorityRank(read.priority), tags: read.tags };
}

/** Checks one item against the lifecycle's invariants and the known ids; returns its row, or null after reporting errors. */
function checkItem(
  item: ImportItem,
  i: number,
  known: KnownIds,
  defs: readonly FieldDefinition[],
  managed: readonly string[] | null,
  errors: FieldError[],
): ImportRow | null {
  const before = errors.length;
  const err = (field: string, message: string) => {
    if (errors.length < MAX_ERRORS) errors.push({ field: `cases.${i}.${field}`, message });
  };
  const teamId = item.teamId.toLowerCase();
  if (known.missingTeams.has(teamId)) err('teamId', 'no such team');
  const ownerId = ownerOf(item, known, err);
  const resolution = resolutionOf(item, err);
  const { createdAt, resolvedAt, wakeAt } = timesOf(item, err);
  const fields = fieldsOf(item, teamId, defs, err);
  const { priority, tags } = dataOf(item, managed, err);
  const collaboratorIds = item.collaboratorIds?.length ? [...new Set(item.collaboratorIds.map((c) => c.toLowerCase()))] : NONE;
  collaboratorIds.forEach((c, j) => {
    if (known.missingUsers.has(c)) err(`collaboratorIds.${j}`, 'no such user');
  });
  if (errors.length > before || !(createdAt instanceof Date)) return null;
  const r = resolvedAt as Date | null;
  return {
    subject: item.subject.trim() || item.subject,
    description: item.description ?? null,
    type: item.type,
    typeRank: TYPE_RANK[item.type],
    status: item.status,
    resolution,
    teamId,
    ownerId,
    createdAt,
    resolvedAt: r,
    wakeAt: wakeAt as Date | null,
    lastActivityAt: r && r > createdAt ? r : createdAt,
    collaboratorIds,
    customer: item.customer ?? null,
    fields,
    priority,
    tags,
  };
}

/**
 * Validates every item before anything is written (an import is all or nothing): the status
 * must agree with owner, resolution and times the way the lifecycle would have left them.
 * `updated`/`last activity` become the latest of createdAt and resolvedAt (a wake time is a plan, not activity).
 */
export function validateImport(
  items: ImportItem[],
  known: KnownIds,
  defs: readonly FieldDefinition[] = [],
  managed: readonly string[] | null = null,
): { rows: ImportRow[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const rows: ImportRow[] = [];
  items.forEach((item, i) => {
    const row = checkItem(item, i, known, defs, managed, errors);
    if (row) rows.push(row);
  });
  return { rows, errors };
}

/**
 * Every team and user id the items name (lower-cased), and every (team, owner) pair, to look
 * up at once; the answer is the ones that fail (KnownIds).
 */
export function namedIds(items: ImportItem[]): { teamIds: string[]; userIds: string[]; memberTeams: string[]; memberUsers: string[] } {
  const teams = new Set<string>();
  const users = new Set<string>();
  const pairs = new Set<string>();
  const memberTeams: string[] = [];
  const memberUsers: string[] = [];
  for (const it of items) {
    const teamId = it.teamId.toLowerCase();
    teams.add(teamId);
    if (it.ownerId) {
      const ownerId = it.ownerId.toLowerCase();
      users.add(ownerId);
      const key = memberKey(teamId, ownerId);
      if (!pairs.has(key)) {
        pairs.add(key);
        memberTeams.push(teamId);
        memberUsers.push(ownerId);
      }
    }
    if (it.collaboratorIds) for (const c of it.collaboratorIds) users.add(c.toLowerCase());
    if (it.messages) for (const m of it.messages) if (m.authorId) users.add(m.authorId.toLowerCase());
  }
  return { teamIds: [...teams], userIds: [...users], memberTeams, memberUsers };
}
