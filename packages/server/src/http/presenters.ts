import { actionsFor, slaView } from '@casework/domain';
import type { AppUser } from '../auth/actor.ts';
import type { CaseView } from '../db/repos/case-views.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * A case as the API returns it, with the actions this user may take on it now and its SLA targets'
 * states at `now` (the server's clock where the route has it).
 */
export function caseJson(v: CaseView, actor: AppUser, now: Date = new Date()) {
  return {
    id: v.id,
    reference: v.reference,
    subject: v.subject,
    description: v.description,
    type: v.type,
    status: v.status,
    resolution: v.resolution,
    resolutionReason: v.resolutionReason,
    teamId: v.teamId,
    teamName: v.teamName,
    ownerId: v.ownerId,
    ownerName: v.ownerName,
    collaboratorIds: [...v.collaboratorIds],
    customer: v.customer,
    followUpOf: v.followUpOf,
    rating: v.rating,
    createdAt: v.createdAt.toISOString(),
    updatedAt: v.updatedAt.toISOString(),
    resolvedAt: iso(v.resolvedAt),
    wakeAt: iso(v.wakeAt),
    spamAt: iso(v.spamAt),
    priority: v.priority,
    tags: [...v.tags],
    actions: actionsFor(actor, v),
    ...(v.fields ? { fields: { ...v.fields } } : {}),
    ...(v.lastMessage !== undefined
      ? {
          lastMessage: v.lastMessage && {
            preview: v.lastMessage.preview,
            fromCustomer: v.lastMessage.fromCustomer,
            authorName: v.lastMessage.fromCustomer ? (v.customer?.name ?? null) : v.lastMessage.authorName,
            at: v.lastMessage.at.toISOString(),
          },
        }
      : {}),
    ...(v.satisfaction !== undefined
      ? {
          satisfaction: v.satisfaction && {
            stars: v.satisfaction.stars,
            ...(v.satisfaction.comment ? { comment: v.satisfaction.comment } : {}),
            at: v.satisfaction.at.toISOString(),
          },
        }
      : {}),
    ...(v.sla !== undefined ? { sla: slaView(v.sla, now) } : {}),
  };
}
