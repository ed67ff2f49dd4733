import { Type, type Static } from '@fastify/type-provider-typebox';
import {
  PRIORITIES,
  SLA_FILTERS,
  TAG_LIMITS,
  isCaseType,
  isStatus,
  parsePriorityFilter,
  readTags,
  type CaseType,
  type Priority,
  type SlaFilter,
  type Status,
} from '@casework/domain';
import type { AppUser } from '../auth/actor.ts';
import type { CaseFilter, CaseSort } from '../db/repos/case-list.ts';
import type { FieldError } from '../errors.ts';
import { isUuid } from '../ids.ts';
import { parseDateBound } from './date-bounds.ts';
import { FIELD_FILTER_PATTERN } from './field-filters.ts';

/**
 * The Cases list's filters (SPEC §4, §10), as GET /cases reads them from its query string and a
 * saved view stores them (`filters`): one schema and one parser, so a view accepts exactly what
 * the list accepts and refuses it with the same field names. A new list filter goes here.
 */
export const CaseFilterFields = {
  status: Type.Optional(Type.String({ maxLength: 200 })),
  teamId: Type.Optional(Type.String({ maxLength: 4000 })),
  ownerId: Type.Optional(Type.String({ maxLength: 64 })),
  type: Type.Optional(Type.String({ maxLength: 200 })),
  following: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
  q: Type.Optional(
    Type.String({
      maxLength: 200,
      description:
        'Search: every word in the subject, description, messages or internal notes (words of 3+ letters also as prefixes), or the exact reference, or part of the customer name or email, or their phone.',
    }),
  ),
  priority: Type.Optional(Type.String({ maxLength: 200, description: `One priority or a comma list (${PRIORITIES.join(', ')})` })),
  tag: Type.Optional(
    Type.Array(Type.String({ maxLength: 200 }), {
      maxItems: TAG_LIMITS.perCase,
      description: 'Repeatable: cases carrying every tag given (case-insensitive)',
    }),
  ),
  createdFrom: Type.Optional(Type.String({ maxLength: 40 })),
  createdTo: Type.Optional(Type.String({ maxLength: 40 })),
  sla: Type.Optional(
    Type.String({
      maxLength: 20,
      description: `Cases with an SLA target breached or due soon (within the last 20 % of the target): ${SLA_FILTERS.join(' or ')}. Open cases only; a target met late no longer counts.`,
    }),
  ),
  sort: Type.Optional(
    Type.Union(
      [Type.Literal('created'), Type.Literal('updated'), Type.Literal('priority'), Type.Literal('due'), Type.Literal('relevance')],
      {
        description:
          'Newest first by created (default without q) or updated time; priority: urgent first, then newest first by created time; due: the nearest SLA due time first, cases without one last; relevance (default with q): best match first.',
      },
    ),
  ),
};

/** `field.<key>=value`: cases whose custom field has this value (a multiselect: includes this option); read by parseFieldFilters. */
export const FIELD_FILTER_PROPERTIES = { patternProperties: { [FIELD_FILTER_PATTERN]: Type.String({ maxLength: 1000 }) } };

/** A saved view's filters: the list's query parameters without paging. */
export const CaseFilterSchema = Type.Object(CaseFilterFields, { additionalProperties: false, ...FIELD_FILTER_PROPERTIES });
export type CaseFilterInput = Static<typeof CaseFilterSchema>;

const list = (s: string | undefined) =>
  s
    ? s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : [];

/**
 * Reads the list's filters for this actor (`ownerId=me` is whoever asks, so a shared view means
 * "mine" to each viewer) at `now` (the `sla` filter's time). Complaints are pushed to `errors` named `prefix` + the parameter.
 */
export function readCaseFilter(
  actor: AppUser,
  qs: CaseFilterInput,
  errors: FieldError[],
  now: Date,
  prefix = '',
): { filter: CaseFilter; sort: CaseSort } {
  const field = (name: string) => `${prefix}${name}`;
  const statuses = list(qs.status);
  if (!statuses.every(isStatus)) errors.push({ field: field('status'), message: 'unknown status' });
  const types = list(qs.type);
  if (!types.every(isCaseType)) errors.push({ field: field('type'), message: 'unknown type' });
  const teamIds = list(qs.teamId);
  if (!teamIds.every(isUuid)) errors.push({ field: field('teamId'), message: 'must be team ids' });
  let owner: CaseFilter['owner'];
  if (qs.ownerId === 'none') owner = { kind: 'none' };
  else if (qs.ownerId === 'me') owner = { kind: 'user', id: actor.id };
  else if (qs.ownerId !== undefined) {
    if (isUuid(qs.ownerId)) owner = { kind: 'user', id: qs.ownerId.toLowerCase() };
    else errors.push({ field: field('ownerId'), message: 'must be me, none or a user id' });
  }
  let priorities: Priority[] = [];
  if (qs.priority !== undefined) {
    const p = parsePriorityFilter(qs.priority);
    if (p.ok) priorities = p.priorities;
    else errors.push({ field: field('priority'), message: p.message });
  }
  let tags: string[] = [];
  if (qs.tag?.length) {
    const t = readTags(qs.tag, field('tag'), null);
    if (t.ok) tags = t.tags;
    else errors.push(...t.problems);
  }
  const createdFrom = parseDateBound(qs.createdFrom, 'start', actor.timeZone, field('createdFrom'), errors);
  const createdTo = parseDateBound(qs.createdTo, 'end', actor.timeZone, field('createdTo'), errors);
  let sla: CaseFilter['sla'];
  if (qs.sla !== undefined) {
    if ((SLA_FILTERS as readonly string[]).includes(qs.sla)) sla = { state: qs.sla as SlaFilter, at: now };
    else errors.push({ field: field('sla'), message: `must be ${SLA_FILTERS.join(' or ')}` });
  }
  const q = qs.q?.trim() || undefined;
  // Relevance orders a search; without words to match, a list stays newest first.
  const sort = qs.sort === 'relevance' && !q ? 'created' : (qs.sort ?? (q ? 'relevance' : 'created'));
  return {
    filter: {
      status: statuses as Status[],
      teamIds: teamIds.map((t) => t.toLowerCase()),
      owner,
      types: types as CaseType[],
      following: qs.following === 'true',
      q,
      priorities,
      tags,
      createdFrom,
      createdTo,
      ...(sla ? { sla } : {}),
    },
    sort,
  };
}
