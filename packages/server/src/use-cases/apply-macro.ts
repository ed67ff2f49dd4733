import { can, canUseMacro, canView, renderPlaceholders, type MacroStep } from '@casework/domain';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import { findMacro } from '../db/repos/macros.ts';
import { organisationName } from '../db/repos/canned-replies.ts';
import { lockCase } from './case-write.ts';
import { inTransaction, joinTransaction } from '../outbox/outbox.ts';
import { forbidden, invalid, notAllowedTransition, notFound, Problem } from '../errors.ts';
import { findCaseView, type CaseView } from '../db/repos/case-views.ts';
import { editCase } from './edit-case.ts';
import { postAgentMessage } from './post-message.ts';
import { setCollaborator } from './follow-case.ts';
import { resolveCase, setWaiting } from './status-actions.ts';
import { assignCase } from './assign-case.ts';
import { kickReplies } from '../channels/outbound/dispatch.ts';

/** A step's refusal as the API answers it: the single action's own problem, with the step's index. */
function stepProblem(e: Problem, i: number, step: MacroStep): Problem {
  const detail = `Step ${i + 1} (${step.type.replace(/_/g, ' ')}): ${e.detail ?? e.title}`;
  return new Problem(e.status, e.code, e.title, detail, { ...e.extra, step: i, stepType: step.type });
}

/**
 * Runs one step through its single action's use case (on deps joined to the macro's transaction),
 * so each step meets exactly the rules, history and notifications of that action.
 */
async function runStep(deps: Deps, actor: AppUser, c: CaseView, step: MacroStep): Promise<void> {
  switch (step.type) {
    case 'reply':
    case 'note': {
      const body = renderPlaceholders(step.body, {
        customer: c.customer,
        case: { reference: c.reference, subject: c.subject },
        agent: { name: actor.name },
        organisation: { name: await organisationName(deps.db.kysely) },
      });
      await postAgentMessage(deps, actor, c.id, body, step.type === 'note');
      return;
    }
    case 'add_tags':
      await editCase(deps, actor, c.id, { tags: { add: step.tags } });
      return;
    case 'remove_tags':
      await editCase(deps, actor, c.id, { tags: { remove: step.tags } });
      return;
    case 'set_priority':
      await editCase(deps, actor, c.id, { priority: step.priority });
      return;
    case 'set_fields':
      await editCase(deps, actor, c.id, { fields: step.fields });
      return;
    case 'follow':
      await setCollaborator(deps, actor, c.id, actor.id, true);
      return;
    case 'wait': {
      // The single action wakes a case that already waits; a macro's wait step only sets waiting.
      const wakeAt = step.wakeInMinutes ? new Date(deps.clock.now().getTime() + step.wakeInMinutes * 60_000) : null;
      // Who may first (as if the case were ready), then whether this case can be set waiting now.
      if (!can(actor, 'set_waiting', { ...c, status: 'ready' })) throw forbidden('set_waiting');
      if (!can(actor, 'set_waiting', c)) throw notAllowedTransition(`A ${c.status} case cannot be set to waiting.`);
      await setWaiting(deps, actor, c.id, wakeAt);
      return;
    }
    case 'resolve':
      await resolveCase(deps, actor, c.id, step.resolution, null);
      return;
    case 'assign':
      await assignCase(deps, actor, c.id, {
        ...(step.teamId !== undefined ? { teamId: step.teamId } : {}),
        ...(step.ownerId !== undefined ? { ownerId: step.ownerId } : {}),
      });
      return;
  }
}

/**
 * Applies a macro to a case (SPEC §11): every step, in order, through the single actions' use
 * cases, all in one transaction. A step they refuse (permission, transition, validation) rolls
 * everything back, and its problem carries `step` (from 0). A case the actor may not see is 404;
 * a macro they may not use is 400 `macroId`, as an unknown one.
 */
export async function applyMacro(deps: Deps, actor: AppUser, caseId: string, macroId: string): Promise<CaseView> {
  let replied = false;
  const view = await inTransaction(deps, async (trx) => {
    const joined = joinTransaction(deps, trx);
    const start = await lockCase(trx, caseId);
    if (!start || !canView(actor, start)) throw notFound();
    const macro = await findMacro(trx, macroId);
    if (!macro || !canUseMacro(actor, macro)) throw invalid([{ field: 'macroId', message: 'no such macro' }]);
    for (const [i, step] of macro.steps.entries()) {
      const c = await findCaseView(trx, caseId);
      if (!c || !canView(actor, c)) throw stepProblem(notFound(), i, step);
      try {
        await runStep(joined, actor, c, step);
      } catch (e) {
        throw e instanceof Problem ? stepProblem(e, i, step) : e;
      }
      replied ||= step.type === 'reply';
    }
    return (await findCaseView(trx, caseId))!;
  });
  if (replied) kickReplies(deps); // after commit: send now instead of at the next poll
  return view;
}
