import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, toQuery } from '../../api/client';
import type { CaseType } from '../../api/types';

/** A configured channel as GET /api/v1/channels returns it (secrets only as `hasX` flags). */
export type Channel = {
  id: string;
  type: CaseType;
  name: string;
  teamId: string;
  publicKey: string | null;
  address: string | null;
  settings: Record<string, unknown>;
  active: boolean;
  /** Server-built addresses: `snippet` (web_connect), `inbound` and `status` (sms/phone). */
  endpoints?: Record<string, string>;
  /** Whether replies through this channel can reach customers, and why not. */
  canDeliver?: boolean;
  deliveryProblem?: string | null;
  createdAt: string;
  updatedAt: string;
};

export const WEBHOOK_EVENTS = ['case.created', 'case.claimed', 'case.status_changed', 'case.message_created'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const WEBHOOK_EVENT_LABELS: Record<WebhookEvent, string> = {
  'case.created': 'Case created',
  'case.claimed': 'Case claimed',
  'case.status_changed': 'Status changed',
  'case.message_created': 'New message',
};

export type Webhook = {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  hasSecret: boolean;
  createdAt: string;
  updatedAt: string;
};

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export type WebhookDelivery = {
  id: string;
  eventType: string;
  eventId: string;
  caseId: string;
  status: DeliveryStatus;
  attempts: number;
  responseStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
};

type DeliveryPage = { deliveries: WebhookDelivery[]; nextCursor: string | null };

export const channelKeys = {
  channels: ['channels'] as const,
  webhooks: ['webhooks'] as const,
  webhook: (id: string) => ['webhooks', id] as const,
  deliveries: (id: string, status: string) => ['webhooks', id, 'deliveries', status] as const,
};

export function useChannels(options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: channelKeys.channels,
    queryFn: async () => (await api.get<{ channels: Channel[] }>('/channels')).channels,
    enabled: options.enabled ?? true,
  });
}

export function useWebhooks() {
  return useQuery({ queryKey: channelKeys.webhooks, queryFn: async () => (await api.get<{ webhooks: Webhook[] }>('/webhooks')).webhooks });
}

export function useWebhook(id: string) {
  return useQuery({ queryKey: channelKeys.webhook(id), queryFn: () => api.get<Webhook>(`/webhooks/${encodeURIComponent(id)}`) });
}

/** The delivery log of one webhook, newest first; polls while deliveries are still pending. */
export function useDeliveries(id: string, status: DeliveryStatus | '') {
  return useInfiniteQuery({
    queryKey: channelKeys.deliveries(id, status),
    queryFn: ({ pageParam, signal }) =>
      api.get<DeliveryPage>(`/webhooks/${encodeURIComponent(id)}/deliveries${toQuery({ status, cursor: pageParam, limit: 50 })}`, {
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.deliveries.some((delivery) => delivery.status === 'pending')) ? 5000 : false,
  });
}

/** Makes a server address absolute: without CASEWORK_PUBLIC_URL the server sends paths only. */
export function absoluteUrl(value: string): string {
  return value.startsWith('/') ? window.location.origin + value : value;
}

/** The script tag for a web_connect channel, with an absolute widget URL. */
export function embedSnippet(channel: Channel): string | null {
  if (!channel.publicKey) return null;
  const fromServer = channel.endpoints?.snippet;
  if (fromServer) return fromServer.replace(/src="\//, `src="${window.location.origin}/`);
  return `<script src="${window.location.origin}/widget.js" data-channel="${channel.publicKey}" async></script>`;
}

/** The provider webhook addresses of an sms or phone channel (SPEC §9), absolute. */
export function providerUrls(channel: Channel): { label: string; url: string }[] {
  const origin = window.location.origin;
  if (channel.type === 'sms') {
    return [{ label: 'Incoming messages webhook', url: absoluteUrl(channel.endpoints?.inbound ?? `${origin}/webhooks/sms/${channel.id}`) }];
  }
  if (channel.type === 'phone') {
    return [
      { label: 'Incoming call webhook', url: absoluteUrl(channel.endpoints?.inbound ?? `${origin}/webhooks/voice/${channel.id}`) },
      { label: 'Call status callback', url: absoluteUrl(channel.endpoints?.status ?? `${origin}/webhooks/voice/${channel.id}/status`) },
    ];
  }
  return [];
}
