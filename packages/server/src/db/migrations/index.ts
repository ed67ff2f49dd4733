import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import * as initial from './001-initial.ts';
import * as channels from './002-channels.ts';
import * as listIndexes from './003-list-indexes.ts';
import * as tokenScope from './004-token-scope.ts';
import * as search from './006-search.ts';
import * as claimNext from './007-claim-next.ts';
import * as myWork from './008-my-work.ts';
import * as accessNotify from './009-access-notify.ts';
import * as claimNextBatch from './010-claim-next-batch.ts';
import * as deliveryStatus from './011-delivery-status.ts';
import * as abandonedChats from './012-abandoned-chats.ts';
import * as idempotencyLease from './013-idempotency-lease.ts';
import * as sqlRules from './014-sql-rules.ts';
import * as conversationSearch from './017-conversation-search.ts';
import * as savedViews from './018-saved-views.ts';
import * as caseFields from './019-case-fields.ts';
import * as customers from './016-customers.ts';
import * as reportIndexes from './025-report-indexes.ts';
import * as mailFetch from './023-mail-fetch.ts';
import * as accounts from './024-accounts.ts';
import * as notifications from './022-notifications.ts';
import * as caseData from './020-case-data.ts';
import * as firstResponse from './025-first-response.ts';
import * as cannedReplies from './021-canned-replies.ts';
import * as macros from './026-macros.ts';
import * as mailSafety from './028a-mail-safety.ts';
import * as sso from './031-sso.ts';
import * as surveys from './030a-surveys.ts';
import * as reportOpenCounts from './030b-report-open-counts.ts';
import * as slaFinishedOutcomes from './040-sla-finished-outcomes.ts';
import * as slaGuard from './036-sla-guard.ts';
import * as attachmentFiles from './037-attachment-files.ts';
import * as attachmentStore from './027-attachment-store.ts';
import * as auditLog from './033-audit-log.ts';
import * as spam from './034-spam.ts';
import * as serviceLevels from './032-service-levels.ts';
import * as phoneE164 from './035-phone-e164.ts';
import * as importDerived from './039-import-derived.ts';
import * as myWorkSla from './042-my-work-sla.ts';
import * as slaSweep from './043-sla-sweep.ts';
import * as claimCaseFn from './044-claim-case.ts';
import * as fieldDefinitionsWatch from './045-field-definitions-watch.ts';
import * as resolutionTargetSolved from './046-resolution-target-solved.ts';
import * as reportCoveringIndexes from './047-report-covering-indexes.ts';

/**
 * Every migration, in order. Names are recorded in schema_migrations; never rename or edit one that shipped.
 * `up` is SQL; `data`, when there is one, rewrites rows with a rule that lives in TypeScript (after `up`, in the same transaction).
 */
export const MIGRATIONS: { name: string; up: string; data?: (trx: Kysely<Database>) => Promise<void> }[] = [
  { name: '001-initial', up: initial.up },
  { name: '002-channels', up: channels.up },
  { name: '003-list-indexes', up: listIndexes.up },
  { name: '004-token-scope', up: tokenScope.up },
  { name: '006-search', up: search.up },
  { name: '007-claim-next', up: claimNext.up },
  { name: '008-my-work', up: myWork.up },
  { name: '009-access-notify', up: accessNotify.up },
  { name: '010-claim-next-batch', up: claimNextBatch.up },
  { name: '011-delivery-status', up: deliveryStatus.up },
  { name: '012-abandoned-chats', up: abandonedChats.up },
  { name: '013-idempotency-lease', up: idempotencyLease.up },
  { name: '014-sql-rules', up: sqlRules.up },
  { name: '017-conversation-search', up: conversationSearch.up },
  { name: '018-saved-views', up: savedViews.up },
  { name: '019-case-fields', up: caseFields.up },
  { name: '016-customers', up: customers.up },
  { name: '025-report-indexes', up: reportIndexes.up },
  { name: '023-mail-fetch', up: mailFetch.up },
  { name: '024-accounts', up: accounts.up },
  { name: '022-notifications', up: notifications.up },
  { name: '020-case-data', up: caseData.up },
  { name: '025-first-response', up: firstResponse.up },
  { name: '021-canned-replies', up: cannedReplies.up },
  { name: '026-macros', up: macros.up },
  { name: '028a-mail-safety', up: mailSafety.up },
  { name: '031-sso', up: sso.up },
  { name: '030a-surveys', up: surveys.up },
  { name: '030b-report-open-counts', up: reportOpenCounts.up },
  { name: '027-attachment-store', up: attachmentStore.up },
  { name: '033-audit-log', up: auditLog.up },
  { name: '034-spam', up: spam.up },
  { name: '032-service-levels', up: serviceLevels.up },
  { name: '036-sla-guard', up: slaGuard.up },
  { name: '035-phone-e164', up: phoneE164.up, data: phoneE164.data },
  { name: '039-import-derived', up: importDerived.up },
  { name: '040-sla-finished-outcomes', up: slaFinishedOutcomes.up },
  { name: '042-my-work-sla', up: myWorkSla.up },
  { name: '037-attachment-files', up: attachmentFiles.up },
  { name: '043-sla-sweep', up: slaSweep.up },
  { name: '044-claim-case', up: claimCaseFn.up },
  { name: '045-field-definitions-watch', up: fieldDefinitionsWatch.up },
  { name: '046-resolution-target-solved', up: resolutionTargetSolved.up },
  { name: '047-report-covering-indexes', up: reportCoveringIndexes.up },
];
