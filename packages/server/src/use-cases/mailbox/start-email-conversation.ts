import { isMailAddress, readCopies } from '@casework/domain';
import type { AppUser } from '../../auth/actor.ts';
import type { Deps } from '../../deps.ts';
import type { CaseView } from '../../db/repos/case-views.ts';
import { findCaseView } from '../../db/repos/case-views.ts';
import { findChannel } from '../../db/repos/channels.ts';
import { linkCaseChannel } from '../../db/repos/conversations.ts';
import { enqueueReply, kickReplies } from '../../channels/outbound/dispatch.ts';
import { forbidden, invalid } from '../../errors.ts';
import { afterCommit } from '../../outbox/outbox.ts';
import { createCase } from '../create-case.ts';
import { insertMessage } from '../post-message.ts';

export type NewEmailConversation = {
  channelId: string;
  to: string;
  name?: string | null;
  subject: string;
  body: string;
  cc?: string[];
  bcc?: string[];
};

/**
 * An agent starts an email conversation (SPEC §13): a case of type email on the channel's team,
 * owned by the agent, for the customer with that address (found or created), whose first message
 * is the agent's mail, queued through the channel like any reply; the customer's answer threads
 * back by its Message-ID. Who may create on the team is the domain's rule, as for any new case.
 */
export async function startEmailConversation(deps: Deps, actor: AppUser, input: NewEmailConversation): Promise<CaseView> {
  const to = input.to.trim().toLowerCase();
  if (!isMailAddress(to)) throw invalid([{ field: 'to', message: 'is not an email address' }]);
  const copies = readCopies(input, to);
  if (!copies.ok) throw invalid(copies.problems);
  const ch = await findChannel(deps.db.kysely, input.channelId);
  if (ch?.type !== 'email' || !ch.active || !ch.address) throw invalid([{ field: 'channelId', message: 'no such email channel' }]);
  if (actor.channelScope && actor.channelScope.channelId !== ch.id) throw forbidden('create', 'This token is scoped to another channel.');
  // createCase reads the case once the first mail is written with it: the view answered.
  return createCase(
    deps,
    actor,
    {
      subject: input.subject,
      type: 'email',
      teamId: ch.teamId,
      ownerId: actor.id,
      description: null,
      customer: { name: input.name?.trim() || null, email: to },
    },
    'email',
    async (trx, caseId, now) => {
      await linkCaseChannel(trx, caseId, ch.id, to, now);
      const c = (await findCaseView(trx, caseId))!;
      const { message } = await insertMessage(
        trx,
        c,
        {
          body: input.body,
          internal: false,
          direction: 'outbound',
          channel: 'email',
          authorId: actor.id,
          createdAt: now,
          mail: { cc: copies.cc, bcc: copies.bcc },
        },
        now,
      );
      if ((await enqueueReply(trx, deps, c, message, now)).queued) afterCommit(trx, () => kickReplies(deps));
    },
  );
}
