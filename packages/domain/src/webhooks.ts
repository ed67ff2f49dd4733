/** Case events an outbound webhook can subscribe to (SPEC §9, §12). */
export const WEBHOOK_EVENTS = [
  'case.created',
  'case.claimed',
  'case.status_changed',
  'case.message_created',
  /** An SLA target was breached (SPEC §12); data: kind, dueAt, policyId. */
  'case.sla_breached',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
