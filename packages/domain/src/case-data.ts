import type { DomainEvent } from './lifecycle.ts';
import { LIMITS } from './limits.ts';

/**
 * A case's priority (SPEC §10), lowest first: the index is its rank, so `urgent` sorts first in a
 * list ordered by priority. The database stores the rank (`cases.priority`, migration 020), built
 * from this list by db/sql-rules.ts; tests hold the copy to it. Priority never changes the Next
 * Unassigned order (SPEC §3.1).
 */
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const DEFAULT_PRIORITY: Priority = 'normal';

export const isPriority = (v: unknown): v is Priority => typeof v === 'string' && (PRIORITIES as readonly string[]).includes(v);

/** The rank of a priority: low 0 … urgent 3 (higher is more pressing). */
export const priorityRank = (p: Priority): number => PRIORITIES.indexOf(p);

/** The priority of a rank, or null for a rank outside the list. */
export const priorityOfRank = (rank: number): Priority | null => PRIORITIES[rank] ?? null;

/** Sizes of tags, shared by the API's schemas and the web app's forms. */
export const TAG_LIMITS = {
  /** Characters of one tag after trimming. */
  length: 50,
  /** Tags on one case. */
  perCase: 20,
  /** Tags in an organisation's managed list. */
  managed: 500,
} as const;

export type TagProblem = { field: string; message: string };

/**
 * A tag as stored: trimmed, inner runs of white space made one space, lower-case (tags are
 * case-insensitive), or why it cannot be one (blank, too long).
 */
export function normalizeTag(raw: string): { ok: true; tag: string } | { ok: false; message: string } {
  const tag = raw.trim().replace(/\s+/g, ' ').toLowerCase();
  if (!tag) return { ok: false, message: 'must not be blank' };
  if ([...tag].length > TAG_LIMITS.length) return { ok: false, message: `must be at most ${TAG_LIMITS.length} characters` };
  return { ok: true, tag };
}

/**
 * Reads a list of tags given at `field` (`add`, `tags`, `managedTags`…): each normalised, once
 * each in the order given; with a managed list (`managed` not null) every tag must be on it.
 * Problems name the offending entry as `field.<i>` and quote it.
 */
export function readTags(
  given: readonly string[],
  field: string,
  managed: readonly string[] | null,
): { ok: true; tags: string[] } | { ok: false; problems: TagProblem[] } {
  const problems: TagProblem[] = [];
  const tags: string[] = [];
  given.forEach((raw, i) => {
    const n = normalizeTag(raw);
    if (!n.ok) problems.push({ field: `${field}.${i}`, message: n.message });
    else if (managed && !managed.includes(n.tag))
      problems.push({ field: `${field}.${i}`, message: `tag ${JSON.stringify(n.tag)} is not in the organisation's list of tags` });
    else if (!tags.includes(n.tag)) tags.push(n.tag);
  });
  return problems.length ? { ok: false, problems } : { ok: true, tags };
}

/**
 * A new case's priority and tags (a case created through the API or imported from another
 * helpdesk): the priority one of the four (default normal), the tags read as `readTags` reads
 * them, at most `TAG_LIMITS.perCase`, sorted. Problems name `priority` or `tags.<i>`.
 */
export function readNewCaseData(
  input: { priority?: string | null; tags?: readonly string[] | null },
  managed: readonly string[] | null,
): { ok: true; priority: Priority; tags: string[] } | { ok: false; problems: TagProblem[] } {
  const problems: TagProblem[] = [];
  let priority: Priority = DEFAULT_PRIORITY;
  if (input.priority !== undefined && input.priority !== null) {
    if (isPriority(input.priority)) priority = input.priority;
    else problems.push({ field: 'priority', message: `must be one of ${PRIORITIES.join(', ')}` });
  }
  let tags: string[] = [];
  if (input.tags?.length) {
    const read = readTags(input.tags, 'tags', managed);
    if (!read.ok) problems.push(...read.problems);
    else if (read.tags.length > TAG_LIMITS.perCase)
      problems.push({ field: 'tags', message: `a case has at most ${TAG_LIMITS.perCase} tags` });
    else tags = read.tags.sort();
  }
  return problems.length ? { ok: false, problems } : { ok: true, priority, tags };
}

/** One change of a case's tags: recorded as a `case.tags_changed` event. */
export const TAGS_CHANGED = 'case.tags_changed';

export type TagEdit = { ok: true; tags: string[]; events: DomainEvent[] } | { ok: false; problems: TagProblem[] };

/**
 * Adds and removes tags on a case. Added tags must fit (and, with a managed list, be on it);
 * removing a tag the case lacks is no change (and a removed tag need not be on a managed list, so
 * tags from before the list can go). A tag both added and removed is refused. At most
 * TAG_LIMITS.perCase tags stay. Nothing changed: no event. The case's tags stay sorted.
 */
export function editTags(
  current: readonly string[],
  input: { add?: readonly string[]; remove?: readonly string[] },
  managed: readonly string[] | null,
): TagEdit {
  const add = readTags(input.add ?? [], 'add', managed);
  const remove = readTags(input.remove ?? [], 'remove', null);
  const problems = [...(add.ok ? [] : add.problems), ...(remove.ok ? [] : remove.problems)];
  if (!add.ok || !remove.ok) return { ok: false, problems };
  const both = add.tags.filter((t) => remove.tags.includes(t));
  if (both.length)
    return { ok: false, problems: [{ field: 'remove', message: `tag ${JSON.stringify(both[0])} is both added and removed` }] };
  const added = add.tags.filter((t) => !current.includes(t));
  const removed = remove.tags.filter((t) => current.includes(t));
  const tags = [...current.filter((t) => !removed.includes(t)), ...added].sort();
  if (tags.length > TAG_LIMITS.perCase)
    return { ok: false, problems: [{ field: 'add', message: `a case has at most ${TAG_LIMITS.perCase} tags` }] };
  if (!added.length && !removed.length) return { ok: true, tags: [...current], events: [] };
  return { ok: true, tags, events: [{ type: TAGS_CHANGED, data: { added: added.sort(), removed: removed.sort() } }] };
}

/** The history events of editing a case's own details (SPEC §10 `PATCH /cases/:id`). */
export const SUBJECT_CHANGED = 'case.subject_changed';
export const DESCRIPTION_CHANGED = 'case.description_changed';
export const PRIORITY_CHANGED = 'case.priority_changed';
/** The case's customer link changed (an edit, or a merge of customers). */
export const CUSTOMER_CHANGED = 'case.customer_changed';

export type CaseDetails = { subject: string; description: string | null; priority: Priority };
export type DetailsInput = { subject?: string; description?: string | null; priority?: string };
export type DetailsEdit = { ok: true; changes: Partial<CaseDetails>; events: DomainEvent[] } | { ok: false; problems: TagProblem[] };

/**
 * An edit of a case's subject, description and priority: the subject is trimmed and must not be
 * blank, the description is kept as written (blank clears it), the priority must be one of the
 * four. Only what differs changes, each with its history event (from, to). Each bad field is named.
 */
export function editDetails(current: CaseDetails, input: DetailsInput): DetailsEdit {
  const problems: TagProblem[] = [];
  const changes: Partial<CaseDetails> = {};
  const events: DomainEvent[] = [];
  if (input.subject !== undefined) {
    const subject = input.subject.trim();
    if (!subject) problems.push({ field: 'subject', message: 'must not be blank' });
    else if (subject.length > LIMITS.subject) problems.push({ field: 'subject', message: `must be at most ${LIMITS.subject} characters` });
    else if (subject !== current.subject) {
      changes.subject = subject;
      events.push({ type: SUBJECT_CHANGED, data: { from: current.subject, to: subject } });
    }
  }
  if (input.description !== undefined) {
    const description = input.description?.trim() ? input.description : null;
    if (description && description.length > LIMITS.description)
      problems.push({ field: 'description', message: `must be at most ${LIMITS.description} characters` });
    else if (description !== current.description) {
      changes.description = description;
      events.push({ type: DESCRIPTION_CHANGED, data: { from: current.description, to: description } });
    }
  }
  if (input.priority !== undefined) {
    if (!isPriority(input.priority)) problems.push({ field: 'priority', message: `must be one of ${PRIORITIES.join(', ')}` });
    else if (input.priority !== current.priority) {
      changes.priority = input.priority;
      events.push({ type: PRIORITY_CHANGED, data: { from: current.priority, to: input.priority } });
    }
  }
  return problems.length ? { ok: false, problems } : { ok: true, changes, events };
}

/**
 * A case's priority for a list filter `priority=high,urgent`: the priorities named (each once), or
 * the name that is not one.
 */
export function parsePriorityFilter(text: string): { ok: true; priorities: Priority[] } | { ok: false; message: string } {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = names.find((n) => !isPriority(n));
  if (bad !== undefined) return { ok: false, message: `unknown priority ${JSON.stringify(bad)}; use ${PRIORITIES.join(', ')}` };
  return { ok: true, priorities: [...new Set(names as Priority[])] };
}
