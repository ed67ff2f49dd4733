import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { WEBHOOK_EVENTS, type WebhookEvent } from '@casework/domain';
import { api, toQuery, type Answer } from '../../api/client';

/** A configured channel as GET /api/v1/channels returns it (secrets only as `hasX` flags). */
export type Channel = Answer<'/channels', 'get'>['channels'][number];

export function isWebhookEvent(value: string): value is WebhookEvent {
  return (WEBHOOK_EVENTS as readonly string[]).includes(value);
}

export const WEBHOOK_EVENT_LABELS: Record<WebhookEvent, string> = {
  'case.created': 'Case created',
  'case.claimed': 'Case claimed',
  'case.status_changed': 'Status changed',
  'case.message_created': 'New message',
  'case.sla_breached': 'SLA target breached',
};

export type Webhook = Answer<'/webhooks/{id}', 'get'>;

type DeliveryPage = Answer<'/webhooks/{id}/deliveries', 'get'>;
export type WebhookDelivery = DeliveryPage['deliveries'][number];
export type DeliveryStatus = WebhookDelivery['status'];

export const channelKeys = {
  channels: ['channels'] as const,
  webhooks: ['webhooks'] as const,
  webhook: (id: string) => ['webhooks', id] as const,
  deliveries: (id: string, status: string) => ['webhooks', id, 'deliveries', status] as const,
};

export function useChannels(options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: channelKeys.channels,
    queryFn: async () => (await api.get<'/channels'>('/channels')).channels,
    enabled: options.enabled ?? true,
  });
}

export function useWebhooks() {
  return useQuery({ queryKey: channelKeys.webhooks, queryFn: async () => (await api.get<'/webhooks'>('/webhooks')).webhooks });
}

export function useWebhook(id: string) {
  return useQuery({ queryKey: channelKeys.webhook(id), queryFn: () => api.get<'/webhooks/{id}'>(`/webhooks/${encodeURIComponent(id)}`) });
}

/** The delivery log of one webhook, newest first; polls while deliveries are still pending. */
export function useDeliveries(id: string, status: DeliveryStatus | '') {
  return useInfiniteQuery({
    queryKey: channelKeys.deliveries(id, status),
    queryFn: ({ pageParam, signal }) =>
      api.get<'/webhooks/{id}/deliveries'>(
        `/webhooks/${encodeURIComponent(id)}/deliveries${toQuery({ status, cursor: pageParam, limit: 50 })}`,
        {
          signal,
        },
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.deliveries.some((delivery) => delivery.status === 'pending')) ? 5000 : false,
  });
}

/** Makes a server address absolute: without CASEWORK_PUBLIC_URL the server sends paths only. */
function absoluteUrl(value: string): string {
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
