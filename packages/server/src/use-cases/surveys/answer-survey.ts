import type { Kysely } from 'kysely';
import { SURVEY_EVENTS, surveyAnswerErrors, surveyLinkState } from '@casework/domain';
import type { Database } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { conflict, invalid, notFound } from '../../errors.ts';
import { parseOneTimeToken, secretMatches } from '../../auth/one-time-links.ts';
import { findCaseView } from '../../db/repos/case-views.ts';
import { appendEvents, audienceOf, inTransaction } from '../../outbox/outbox.ts';

/** What the public survey page may show: the case's reference and the organisation's name, nothing else. */
export type SurveyInfo = { reference: string; organisation: string };

const answered = () => conflict('This survey has already been answered. Thank you!');

/** The survey behind a link, as the domain judges the link: 404 unknown or forged, 409 answered. */
async function surveyOf(db: Kysely<Database>, token: string) {
  const parsed = parseOneTimeToken(token);
  const row = parsed
    ? await db
        .selectFrom('surveys as s')
        .innerJoin('cases as c', 'c.id', 's.case_id')
        .select(['s.id', 's.case_id', 's.secret_hash', 's.answered_at', 'c.reference'])
        .where('s.id', '=', parsed.id)
        .executeTakeFirst()
    : undefined;
  const state = surveyLinkState({
    exists: row !== undefined && row.secret_hash !== null,
    secretMatches: Boolean(parsed && row?.secret_hash && secretMatches(parsed.secret, row.secret_hash)),
    answeredAt: row?.answered_at ?? null,
  });
  if (state === 'unknown' || !row) throw notFound('Survey');
  if (state === 'answered') throw answered();
  return row;
}

const organisationName = async (db: Kysely<Database>) =>
  (await db.selectFrom('organisation').select('name').where('id', '=', 1).executeTakeFirst())?.name ?? '';

/** The open survey behind a link (SPEC §12): its case's reference and the organisation. */
export async function openSurvey(deps: Deps, token: string): Promise<SurveyInfo> {
  const s = await surveyOf(deps.db.kysely, token);
  return { reference: s.reference, organisation: await organisationName(deps.db.kysely) };
}

/**
 * Records the customer's answer once (SPEC §12): 1–5 stars and an optional comment become the
 * case's satisfaction, with a `case.satisfaction_rated` history event announced after commit. A
 * second answer is 409 (two at once: the conditional UPDATE lets one through), a forged link 404,
 * bad stars or comment 400 naming the field; none of them changes anything.
 */
export async function answerSurvey(
  deps: Deps,
  token: string,
  input: { stars: unknown; comment?: unknown },
): Promise<SurveyInfo & { stars: number; comment: string | null }> {
  const db = deps.db.kysely;
  const s = await surveyOf(db, token);
  const errors = surveyAnswerErrors({ stars: input.stars, comment: input.comment });
  if (errors.length) throw invalid(errors);
  const stars = input.stars as number;
  const comment = typeof input.comment === 'string' && input.comment.trim() ? input.comment.trim() : null;
  const now = deps.clock.now();
  await inTransaction(deps, async (trx) => {
    const took = await trx
      .updateTable('surveys')
      .set({ answered_at: now, stars, comment })
      .where('id', '=', s.id)
      .where('answered_at', 'is', null)
      .executeTakeFirst();
    if (took.numUpdatedRows === 0n) throw answered();
    await trx
      .updateTable('cases')
      .set({ satisfaction_stars: stars, satisfaction_comment: comment, satisfaction_at: now, updated_at: now })
      .where('id', '=', s.case_id)
      .execute();
    const c = await findCaseView(trx, s.case_id);
    if (!c) throw notFound('Survey');
    await appendEvents(trx, {
      caseId: c.id,
      actorId: null,
      at: now,
      audience: audienceOf(c),
      events: [{ type: SURVEY_EVENTS.rated, data: { surveyId: s.id, stars, comment } }],
    });
  });
  return { reference: s.reference, organisation: await organisationName(db), stars, comment };
}
