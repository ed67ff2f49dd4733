import { useEffect, useSyncExternalStore } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { API_BASE } from '../api/client';
import { keys } from '../api/queries';
import { customerKeys } from '../features/customers/customers-api';

/** Live event names, as agreed in docs/ARCHITECTURE.md (same strings on the wire and here). */
const CASE_EVENTS = [
  'case.created',
  'case.claimed',
  'case.assigned',
  'case.unassigned',
  'case.team_changed',
  'case.status_changed',
  'case.collaborator_added',
  'case.collaborator_removed',
  'case.message_created',
  'case.rated',
  'case.imported',
  'case.updated',
  'case.viewers_changed',
  'case.delivery_changed',
  'case.customer_changed',
  'case.field_changed',
  'case.priority_changed',
  'case.tags_changed',
  'case.subject_changed',
  'case.description_changed',
  'case.survey_sent',
  'case.survey_failed',
  'case.satisfaction_rated',
  'case.sender_blocked',
  'case.deleted',
  'case.sla_breached',
] as const;

/** A chat's customer is typing (never stored; shown for a few seconds after each one). */
export const CUSTOMER_TYPING = 'chat.customer_typing';

/** Events that say nothing about the case's content (presence, typing): no list refetch, no collision. */
export const PRESENCE_EVENTS = new Set(['case.viewers_changed', CUSTOMER_TYPING]);

/** A reply's delivery moved on (sent, failed, retried): the case's conversation changes, nobody edited the case. */
export const DELIVERY_EVENT = 'case.delivery_changed';

/** A customer's name, email or phone changed (an edit or a merge), to everyone who may see them. */
const CUSTOMER_UPDATED = 'customer.updated';

/** `id` is the history event's id (SSE `id:`) for case events; `notification` comes with `notification.created`. */
type LiveEvent = {
  type: string;
  caseId?: string;
  customerId?: string;
  at?: string;
  id?: string;
  notification?: { id: string; type: string; inApp: boolean; desktop: boolean };
};

/** The user's own notifications: a new one (to them only), or some read in another tab. */
const NOTIFICATION_EVENTS = ['notification.created', 'notification.read'] as const;
type LiveListener = (event: LiveEvent) => void;
export type LiveStatus = 'connecting' | 'open' | 'reconnecting';

const listeners = new Set<LiveListener>();
const statusListeners = new Set<() => void>();
let status: LiveStatus = 'connecting';

function setStatus(next: LiveStatus) {
  if (status === next) return;
  status = next;
  for (const notify of statusListeners) notify();
}

/** Observe live events (after the query cache has been invalidated for them). */
export function subscribeLive(listener: LiveListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(
    (notify) => {
      statusListeners.add(notify);
      return () => statusListeners.delete(notify);
    },
    () => status,
  );
}

/** A map of handlers by event name rather than a switch. */
const handlers: Record<string, (client: QueryClient, event: LiveEvent) => void> = {
  'preferences.updated': (client) => void client.invalidateQueries({ queryKey: keys.work }),
  'notification.created': (client) => void client.invalidateQueries({ queryKey: ['notifications'] }),
  'notification.read': (client) => void client.invalidateQueries({ queryKey: ['notifications'] }),
  // The server lost track of what this browser missed: refetch everything shown.
  resync: (client) => refetchAll(client),
  'case.viewers_changed': (client, event) => {
    if (event.caseId) void client.invalidateQueries({ queryKey: ['case', event.caseId, 'viewers'] });
  },
  [DELIVERY_EVENT]: (client, event) => {
    if (event.caseId) void client.invalidateQueries({ queryKey: keys.case(event.caseId) });
  },
  // The customer's profile and lookups, the lists that name them and every open case of theirs.
  [CUSTOMER_UPDATED]: (client, event) => {
    void client.invalidateQueries({ queryKey: customerKeys.all });
    void client.invalidateQueries({ queryKey: keys.cases });
    void client.invalidateQueries({ queryKey: keys.work });
    if (event.customerId)
      void client.invalidateQueries({
        queryKey: ['case'],
        predicate: (q) => (q.state.data as { customer?: { id?: string } | null } | undefined)?.customer?.id === event.customerId,
      });
  },
};

/**
 * Saved views' counts follow case changes, at most once every few seconds: a busy organisation
 * sends many events a second, and one count request per burst is enough for a navigation badge.
 */
const VIEW_COUNTS_DELAY_MS = 3000;
let viewCountsTimer: number | undefined;
function refreshViewCounts(client: QueryClient) {
  if (viewCountsTimer !== undefined) return;
  viewCountsTimer = window.setTimeout(() => {
    viewCountsTimer = undefined;
    void client.invalidateQueries({ queryKey: keys.views });
  }, VIEW_COUNTS_DELAY_MS);
}

function handleCaseEvent(client: QueryClient, event: LiveEvent) {
  void client.invalidateQueries({ queryKey: keys.work });
  void client.invalidateQueries({ queryKey: keys.cases });
  refreshViewCounts(client);
  if (event.caseId) void client.invalidateQueries({ queryKey: keys.case(event.caseId) });
}

function parse(name: string, raw: string): LiveEvent {
  try {
    const data = JSON.parse(raw) as Partial<LiveEvent>;
    return { ...data, type: data.type ?? name };
  } catch {
    return { type: name };
  }
}

/**
 * Keeps one EventSource open while signed in. Every case.* event refetches My Work,
 * the case lists and that case; EventSource reconnects by itself (sending Last-Event-ID),
 * and after a reconnect everything is refetched in case events were missed.
 */
export function useLiveEvents(enabled: boolean): void {
  const client = useQueryClient();
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    let source: EventSource | null = null;
    let retry: number | undefined;
    let wasOpen = false;
    const dispatch = (name: string) => (message: MessageEvent<string>) => {
      const event = { ...parse(name, message.data), ...(message.lastEventId ? { id: message.lastEventId } : {}) };
      const handler = handlers[event.type] ?? (event.type.startsWith('case.') ? handleCaseEvent : undefined);
      handler?.(client, event);
      for (const listener of listeners) listener(event);
    };
    const names = [...CASE_EVENTS, ...NOTIFICATION_EVENTS, CUSTOMER_TYPING, CUSTOMER_UPDATED, 'preferences.updated', 'resync', 'message'];

    const connect = () => {
      const current = new EventSource(`${API_BASE}/events`, { withCredentials: true });
      source = current;
      for (const name of names) current.addEventListener(name, dispatch(name));
      current.onopen = () => {
        if (wasOpen) refetchAll(client);
        wasOpen = true;
        setStatus('open');
      };
      current.onerror = () => {
        if (current.readyState !== EventSource.CLOSED) {
          setStatus('reconnecting');
          return;
        }
        // The browser gave up (e.g. a 401 or a proxy error): check the session, then retry.
        setStatus('reconnecting');
        void client.invalidateQueries({ queryKey: keys.me });
        retry = window.setTimeout(connect, 3000);
      };
    };
    connect();
    return () => {
      window.clearTimeout(retry);
      source?.close();
      setStatus('connecting');
    };
  }, [enabled, client]);
}

function refetchAll(client: QueryClient) {
  void client.invalidateQueries({ queryKey: ['notifications'] });
  void client.invalidateQueries({ queryKey: keys.views });
  void client.invalidateQueries({ queryKey: keys.work });
  void client.invalidateQueries({ queryKey: keys.cases });
  void client.invalidateQueries({ queryKey: ['case'] });
  void client.invalidateQueries({ queryKey: customerKeys.all });
}
