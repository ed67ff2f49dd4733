import type { CaseEvent } from '../../api/types';
import { STATUS_LABELS } from '../../lib/labels';
import { isPriority, PRIORITY_LABELS } from '../case-data/case-data-api';

type Names = { user: (id: string | null | undefined) => string; team: (id: string | null | undefined) => string };

function pick(data: Record<string, unknown> | null, ...names: string[]): unknown {
  if (!data) return undefined;
  for (const name of names) if (data[name] !== undefined && data[name] !== null) return data[name];
  return undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function statusLabel(value: unknown): string {
  const status = text(value);
  return status ? (STATUS_LABELS[status as keyof typeof STATUS_LABELS] ?? status).toLowerCase() : '?';
}

/** Values may be nested ({from: {status}} or {before: {ownerId}}) or flat ({from: "ready"}). */
function side(data: Record<string, unknown> | null, which: 'from' | 'to', field: string): unknown {
  const keysFor = which === 'from' ? ['from', 'before', 'old', 'previous'] : ['to', 'after', 'new', 'next'];
  for (const key of keysFor) {
    const value = data?.[key];
    if (value && typeof value === 'object') {
      const nested = (value as Record<string, unknown>)[field];
      if (nested !== undefined) return nested;
    } else if (value !== undefined && value !== null) return value;
  }
  const prefixed = which === 'from' ? [`from${cap(field)}`, `previous${cap(field)}`, `old${cap(field)}`] : [`to${cap(field)}`, field];
  return pick(data, ...prefixed);
}

/** " by email" / " by text message" for a survey's channel. */
function channelWords(value: unknown): string {
  if (value === 'email') return ' by email';
  if (value === 'sms') return ' by text message';
  return '';
}

function cap(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}

function priorityWord(value: unknown): string {
  const priority = text(value);
  return priority && isPriority(priority) ? PRIORITY_LABELS[priority].toLowerCase() : '?';
}

function tagWords(value: unknown): string | undefined {
  const tags = Array.isArray(value) ? value.filter((tag): tag is string => typeof tag === 'string') : [];
  if (tags.length === 0) return undefined;
  const quoted = tags.map((tag) => `“${tag}”`);
  return quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}

/** "Alice added the tag “billing” and removed “vip”." */
function tagsSentence(actor: string, data: Record<string, unknown> | null): string {
  const added = tagWords(pick(data, 'added', 'add'));
  const removed = tagWords(pick(data, 'removed', 'remove'));
  const addCount = Array.isArray(pick(data, 'added', 'add')) ? (pick(data, 'added', 'add') as unknown[]).length : 0;
  const removeCount = Array.isArray(pick(data, 'removed', 'remove')) ? (pick(data, 'removed', 'remove') as unknown[]).length : 0;
  const parts = [
    added ? `added the ${addCount === 1 ? 'tag' : 'tags'} ${added}` : '',
    removed ? `removed the ${removeCount === 1 ? 'tag' : 'tags'} ${removed}` : '',
  ].filter(Boolean);
  return parts.length ? `${actor} ${parts.join(' and ')}` : `${actor} changed the tags`;
}

/** One readable line per history event ("Alice claimed the case", "Status ready → waiting"). */
/** Why the system changed a status, in words (the domain's reasons; others are shown with spaces). */
const REASON_WORDS: Record<string, string> = {
  blocked_sender: 'the sender is blocked',
  dmarc_reject: 'failed DMARC; the sender’s domain asks for such mail to be rejected',
};

export function describeEvent(event: CaseEvent, names: Names): string {
  const data = event.data;
  const actor = event.actorId ? names.user(event.actorId) : 'System';
  const type = event.type.replace(/^case\./, '');
  switch (type) {
    case 'created':
      return `${actor} created the case`;
    case 'claimed':
      return `${actor} claimed the case`;
    case 'assigned': {
      const owner = side(data, 'to', 'ownerId');
      return owner ? `${actor} assigned the case to ${names.user(text(owner))}` : `${actor} assigned the case`;
    }
    case 'unassigned': {
      const owner = side(data, 'from', 'ownerId');
      return owner ? `${actor} removed ${names.user(text(owner))} as owner` : `${actor} unassigned the case`;
    }
    case 'team_changed':
      return `${actor} moved the case from ${names.team(text(side(data, 'from', 'teamId')))} to ${names.team(text(side(data, 'to', 'teamId')))}`;
    case 'status_changed': {
      const line = `Status ${statusLabel(side(data, 'from', 'status'))} → ${statusLabel(side(data, 'to', 'status'))}`;
      const resolution = text(pick(data, 'resolution'));
      const wakeAt = text(pick(data, 'wakeAt'));
      const reason = text(pick(data, 'reason'));
      const extra = resolution ? ` (${resolution})` : wakeAt ? ' with a wake time' : '';
      if (event.actorId) return `${line}${extra}, by ${actor}`;
      return reason ? `${line}${extra} (${REASON_WORDS[reason] ?? reason.replaceAll('_', ' ')})` : `${line}${extra}`;
    }
    case 'sender_blocked': {
      const value = text(pick(data, 'value'));
      const what = pick(data, 'kind') === 'domain' ? `every sender at ${value}` : value;
      return pick(data, 'alreadyBlocked') === true
        ? `${actor} marked it as spam (${what} was already blocked)`
        : `${actor} blocked ${what}`;
    }
    case 'collaborator_added': {
      const user = text(pick(data, 'userId', 'collaboratorId'));
      return !user || user === event.actorId
        ? `${actor} started following the case`
        : `${actor} added ${names.user(user)} as a collaborator`;
    }
    case 'collaborator_removed': {
      const user = text(pick(data, 'userId', 'collaboratorId'));
      return !user || user === event.actorId
        ? `${actor} stopped following the case`
        : `${actor} removed ${names.user(user)} as a collaborator`;
    }
    case 'message_created': {
      const direction = text(pick(data, 'direction'));
      if (direction === 'inbound') return 'The customer sent a message';
      if (direction === 'note' || pick(data, 'internal') === true) return `${actor} added an internal note`;
      return `${actor} replied to the customer`;
    }
    case 'delivery_changed': {
      const state = text(pick(data, 'state'));
      if (state === 'failed') {
        const reason = text(pick(data, 'lastError'));
        return reason ? `A reply was not delivered: ${reason}` : 'A reply was not delivered';
      }
      if (state === 'queued') return `${actor} retried sending a reply`;
      if (state === 'delivered') return 'A reply was delivered';
      return 'A reply was sent';
    }
    case 'customer_changed': {
      const to = text(side(data, 'to', 'name'));
      const from = text(side(data, 'from', 'name'));
      if (pick(data, 'merged') === true) return `${actor} merged ${from ?? 'a customer'} into ${to ?? 'another customer'}`;
      if (data && data.to === null) return from ? `${actor} removed ${from} as the customer` : `${actor} removed the customer`;
      return to ? `${actor} changed the customer to ${to}` : `${actor} changed the customer`;
    }
    case 'field_changed': {
      const label = text(pick(data, 'label', 'key')) ?? 'a field';
      const to = data?.to;
      if (to === null || to === undefined) return `${actor} cleared ${label}`;
      const shown = Array.isArray(to) ? to.join(', ') : typeof to === 'boolean' ? (to ? 'Yes' : 'No') : String(to);
      return `${actor} set ${label} to ${shown}`;
    }
    case 'priority_changed':
      return `${actor} changed the priority from ${priorityWord(side(data, 'from', 'priority'))} to ${priorityWord(side(data, 'to', 'priority'))}`;
    case 'tags_changed':
      return tagsSentence(actor, data);
    case 'subject_changed': {
      const to = text(side(data, 'to', 'subject'));
      return to ? `${actor} renamed the case to “${to}”` : `${actor} changed the subject`;
    }
    case 'description_changed':
      return `${actor} edited the description`;
    case 'woken':
    case 'woke':
      return 'The case woke up';
    case 'reopened':
      return `${actor} reopened the case`;
    case 'closed':
      return 'The case was closed';
    case 'rated':
      return `The customer rated the chat ${String(pick(data, 'stars') ?? '')} stars`.trim();
    case 'survey_sent':
      return `A satisfaction survey was sent to the customer${channelWords(pick(data, 'channel'))}`;
    case 'survey_failed': {
      const reason = text(pick(data, 'lastError'));
      return reason ? `The satisfaction survey was not delivered: ${reason}` : 'The satisfaction survey was not delivered';
    }
    case 'sla_breached': {
      const kind = text(pick(data, 'kind'));
      const what =
        kind === 'firstResponse'
          ? 'first response'
          : kind === 'nextResponse'
            ? 'next response'
            : kind === 'resolution'
              ? 'resolution'
              : 'service-level';
      return `The ${what} target was breached`;
    }
    case 'satisfaction_rated': {
      const comment = text(pick(data, 'comment'));
      const stars = `The customer rated the help ${String(pick(data, 'stars') ?? '')} of 5 stars`;
      return comment ? `${stars}: “${comment}”` : stars;
    }
    default:
      return `${actor}: ${type.replaceAll('_', ' ')}`;
  }
}
