/** Case events an outbound webhook can subscribe to (SPEC §9). */
export const WEBHOOK_EVENTS = ['case.created', 'case.claimed', 'case.status_changed', 'case.message_created'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
