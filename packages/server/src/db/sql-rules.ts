import { sql, type RawBuilder } from 'kysely';
import {
  CHAT_TYPES,
  DEFAULT_PRIORITY,
  PRIORITIES,
  priorityRank,
  PREVIEW_MAX,
  OPEN_STATUSES,
  QUEUED,
  SECTION_RULES,
  TYPE_RANK,
  UNLISTED_STATUSES,
  seenTeams,
  seesEveryCase,
  type Actor,
  type ReportScope,
  type SectionKey,
  type SectionRule,
  type SlaFilter,
  type SlaKind,
  type SlaOutcome,
  minutesMs,
} from '@casework/domain';

/**
 * The domain's rules as SQL, built from the domain's own constants: every SQL statement and
 * server function that applies a rule takes its condition from here instead of restating it.
 *
 * A fragment is SQL text naming its inputs as `{name}` placeholders (the user, the day's
 * bounds): `bind` turns it into a kysely builder with those inputs as parameters, and the server
 * functions (db/sql-functions.ts) put their own variables there. The functions installed by
 * migrations are held to what these build today by tests/sql-rules.test.ts: change a rule here
 * and that test asks for a new migration recreating them.
 */

/** A SQL string literal. */
const lit = (v: string): string => `'${v.replaceAll("'", "''")}'`;
const list = (xs: readonly string[]): string => `(${xs.map(lit).join(', ')})`;

/** The queue condition (SPEC §3.1, the domain's QUEUED) on a row's status and owner. */
export function queuedOn(status: string, ownerId: string): string {
  const unowned: null = QUEUED.ownerId; // compiles only while a queued case has no owner
  return `${status} = ${lit(QUEUED.status)} AND ${ownerId} IS ${String(unowned).toUpperCase()}`;
}

/** The queue condition on the cases row `alias`. */
export const queued = (alias: string): string => queuedOn(`${alias}.status`, `${alias}.owner_id`);

/** An open status (the domain's OPEN_STATUSES / isOpen). */
export const openStatus = (alias: string): string => `${alias}.status IN ${list(OPEN_STATUSES)}`;

/** A status a list shows without being asked for it by name (the domain's listedByDefault: not spam). */
export const listedStatus = (alias: string): string => `${alias}.status NOT IN ${list(UNLISTED_STATUSES)}`;

/** The unlisted statuses (the domain's UNLISTED_STATUSES), for a query that lists cases by another table's rows. */
export const unlistedStatuses = (): string => list(UNLISTED_STATUSES);

/** A chat type (the domain's CHAT_TYPES / isChatType), or, with `chat` false, any other type. */
const chatType = (alias: string, chat = true): string => `${alias}.type ${chat ? 'IN' : 'NOT IN'} ${list(CHAT_TYPES)}`;

const RANKS = Object.values(TYPE_RANK).sort((a, b) => a - b);
if (RANKS.some((r, i) => r !== RANKS[0]! + i)) throw new Error('TYPE_RANK must number the case types consecutively');
/** Every type rank of the Next Unassigned rule (TYPE_RANK), as a set-returning expression. */
export const TYPE_RANKS = `generate_series(${RANKS[0]}, ${RANKS[RANKS.length - 1]})`;

/**
 * The stored priority (`cases.priority`, migration 020) is the domain's rank (priorityRank: low 0 …
 * urgent 3), so sorting by it is sorting by the domain's order and keyset pages compare numbers.
 * The column's check and default, as the domain states them today (tests/sql-rules.test.ts holds
 * the installed ones to these).
 */
export const PRIORITY_CHECK = `priority >= 0 AND priority <= ${PRIORITIES.length - 1}`;
export const PRIORITY_DEFAULT = priorityRank(DEFAULT_PRIORITY);

/** Rows per (team, type rank) a locking queue pick looks at, so concurrent claimers each find a free one. */
export const QUEUE_LOCK_DEPTH = 8;

function sectionCondition(rule: SectionRule, alias: string): string {
  const c = alias;
  const parts =
    rule.relation === 'owned'
      ? [`${c}.owner_id = {user}`]
      : [`${c}.id IN (SELECT f.case_id FROM case_collaborators f WHERE f.user_id = {user})`, `${c}.owner_id IS DISTINCT FROM {user}`];
  parts.push(rule.status === 'open' ? openStatus(c) : `${c}.status = ${lit(rule.status)}`);
  if (rule.chat !== undefined) parts.push(chatType(c, rule.chat));
  if (rule.resolvedToday) parts.push(`${c}.resolved_at >= {day_start} AND ${c}.resolved_at < {day_end}`);
  if (rule.notReason !== undefined) parts.push(`${c}.resolution_reason IS DISTINCT FROM ${lit(rule.notReason)}`);
  return parts.join(' AND ');
}

/** The SQL twin of the domain's sectionOf for one section, from SECTION_RULES (placeholders: {user}, {day_start} and {day_end}, the bounds of the user's day). */
export const section = (key: SectionKey, alias = 'c'): string => sectionCondition(SECTION_RULES[key], alias);

/** Replaces each `{name}` placeholder of a fragment with SQL text (a server function's variables). */
export function fill(fragment: string, inputs: Record<string, string>): string {
  return fragment.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = inputs[name];
    if (v === undefined) throw new Error(`No value for {${name}} in: ${fragment}`);
    return v;
  });
}

/** A fragment as a kysely builder, each `{name}` placeholder bound to the builder given for it. */
export function bind<T = boolean>(fragment: string, inputs: Record<string, RawBuilder<unknown>> = {}): RawBuilder<T> {
  const pieces = fragment.split(/\{(\w+)\}/);
  const parts = pieces.map((p, i) => {
    if (i % 2 === 0) return sql.raw(p);
    const v = inputs[p];
    if (v === undefined) throw new Error(`No value for {${p}} in: ${fragment}`);
    return v;
  });
  return sql<T>`${sql.join(parts, sql``)}`;
}

// Visibility: the SQL form of the domain's canView (alias `c` = cases).

/**
 * canView as a condition: every list, count and search uses it, so a case never leaks through a
 * side door. The followed ids are read once into an array (not a per-row subquery), so the
 * planner can OR three index scans together instead of testing every case.
 */
export function visibleTo(actor: Actor): RawBuilder<boolean> {
  if (seesEveryCase(actor)) return sql<boolean>`true`;
  return sql<boolean>`(c.team_id = ANY(${visibleTeams(actor)}::uuid[]) OR c.owner_id = ${actor.id}::uuid
    OR c.id = ANY(ARRAY(SELECT vc.case_id FROM case_collaborators vc WHERE vc.user_id = ${actor.id}::uuid)))`;
}

/**
 * The same set as visibleTo, as disjoint parts (team cases; owned elsewhere; followed elsewhere)
 * for counting and paging: a sum of three counts can read the team part from an index alone,
 * where counting the OR must visit every matching row (thousands of pages for an agent at 1M cases).
 */
export function visibleParts(actor: Actor): RawBuilder<boolean>[] {
  if (seesEveryCase(actor)) return [sql<boolean>`true`];
  const teams = visibleTeams(actor);
  return [...(teams.length ? [sql<boolean>`c.team_id = ANY(${teams}::uuid[])`] : []), ...visibleElsewhere(actor)];
}

/** Teams whose every case the actor sees by membership (the domain's seenTeams; view_all is handled apart). */
export const visibleTeams = (actor: Actor): string[] => [...seenTeams(actor)];

/** The cases outside visibleTeams the actor still sees: owned ones, then followed ones (disjoint). */
export function visibleElsewhere(actor: Actor): RawBuilder<boolean>[] {
  const me = sql`${actor.id}::uuid`;
  const elsewhere = sql`NOT (c.team_id = ANY(${visibleTeams(actor)}::uuid[]))`;
  return [
    sql<boolean>`c.owner_id = ${me} AND ${elsewhere}`,
    sql<boolean>`c.id = ANY(ARRAY(SELECT vc.case_id FROM case_collaborators vc WHERE vc.user_id = ${me}))
      AND c.owner_id IS DISTINCT FROM ${me} AND ${elsewhere}`,
  ];
}

/**
 * canViewCustomer as a condition on the customers row `cu`: the customer of at least one case
 * the actor sees (visibleTo), or anyone for an actor who sees every case. The probe reads
 * cases_customer_created (migration 016) alone.
 */
export function customerVisibleTo(actor: Actor): RawBuilder<boolean> {
  if (seesEveryCase(actor)) return sql<boolean>`true`;
  return sql<boolean>`EXISTS (SELECT 1 FROM cases c WHERE c.customer_id = cu.id AND ${visibleTo(actor)})`;
}

/**
 * The domain's inReportScope as a condition on the cases row `c`: which cases a report counts
 * (every case, a list of teams, or the user's own). Held to the domain by tests/reports.test.ts.
 */
export function inReportScopeSql(scope: ReportScope): RawBuilder<boolean> {
  if (scope.kind === 'all') return sql<boolean>`true`;
  if (scope.kind === 'teams') return sql<boolean>`c.team_id = ANY(${[...scope.teamIds]}::uuid[])`;
  return sql<boolean>`c.owner_id = ${scope.userId}::uuid`;
}

/**
 * A message body's preview (the domain's messagePreview: the first non-blank line, trimmed of
 * spaces, tabs and carriage returns, at most PREVIEW_MAX characters), for the backfill of
 * migration 021. tests/last-message.test.ts holds it to messagePreview on both databases.
 */
export const messagePreviewSql = (body: string): string =>
  `left(btrim(substring(ltrim(${body}, E' \\t\\r\\n') from '^[^\\n]*'), E' \\t\\r'), ${PREVIEW_MAX})`;

/**
 * The Cases list's `sla=` filter (SPEC §12) as a condition: the domain's slaAttention read from
 * the columns its slaColumns wrote (migration 032). A running clock is breached once its due time
 * has come, due soon once its due-soon time has; a paused one by what it had when it stopped; the
 * case must be open. Held to slaAttention by tests/sla-list.test.ts on generated clocks.
 */
export function slaAttentionSql(state: SlaFilter, now: Date): RawBuilder<boolean> {
  const breached = sql`(coalesce(c.sla_due_at <= ${now}, false) OR c.sla_paused_breached)`;
  const soon = sql`(coalesce(c.sla_soon_at <= ${now}, false) OR c.sla_paused_soon)`;
  const base = sql`${sql.raw(openStatus('c'))} AND c.sla IS NOT NULL`;
  return state === 'breached' ? sql<boolean>`(${base} AND ${breached})` : sql<boolean>`(${base} AND NOT ${breached} AND ${soon})`;
}

/**
 * The Cases list's `sort=due` key, for its descending keyset order: the nearest due time of a
 * running clock first (its negated epoch milliseconds), cases with none last (the sentinel below
 * every time).
 */
export const SLA_DUE_NONE = -1e15;
export const slaDueKey = (): RawBuilder<number> =>
  sql<number>`coalesce(-(extract(epoch FROM c.sla_due_at) * 1000)::float8, ${sql.lit(SLA_DUE_NONE)}::float8)`;

/**
 * The SLA guard's condition (the domain's slaGuarded) on the cases row `alias` at the instant `now`
 * (SQL text): its first response is due soon or breached, by the due-soon time slaColumns wrote.
 */
export const slaGuarded = (alias: string, now: string): string => `${alias}.sla_first_soon_at <= ${now}`;

/** A case's clock of one target (SPEC §12) on the row `alias`, read from its record: the element of `sla.clocks` of that kind, or null. */
export const slaClockJson = (alias: string, kind: SlaKind): string =>
  `jsonb_path_query_first(${alias}.sla, '$.clocks[*] ? (@.kind == "${kind}")')`;

/**
 * How a clock (a JSON value, SQL text) counts in reports' SLA achievement at `now` (SQL text) on a
 * case that is `open` (an SQL condition): the domain's slaOutcome, by its clockState: a running clock
 * not met is breached once its due time has come; any other once its business time reached the
 * target or its breach was recorded; else met when met, running when not and the case is open,
 * null (not counted) when it is finished. Null without the clock. Migrations 036 and 040 fill the
 * stored outcomes with it (at -infinity: storedOutcome); held to slaOutcome by
 * tests/reports-sla.test.ts on generated clocks.
 */
export const slaOutcomeOfClock = (clock: string, now: string, open: string): string => `(SELECT CASE
      WHEN k IS NULL THEN NULL
      WHEN k->>'runningSince' IS NOT NULL AND k->>'metAt' IS NULL
        THEN CASE WHEN (k->>'dueAt')::timestamptz <= ${now} THEN 'breached' ELSE 'running' END
      WHEN (k->>'elapsedMs')::float8 >= (k->>'minutes')::float8 * ${minutesMs(1)} OR k->>'breachedAt' IS NOT NULL THEN 'breached'
      WHEN k->>'metAt' IS NOT NULL THEN 'met'
      WHEN ${open} THEN 'running' END
    FROM (SELECT ${clock} AS k) clock)`;

const OUTCOME_COLUMNS = {
  firstResponse: ['sla_first_outcome', 'sla_first_due_at'],
  resolution: ['sla_resolution_outcome', 'sla_resolution_due_at'],
} as const;

/**
 * A reported target's outcome at `now` on the cases row `c` (the domain's slaOutcome), from the
 * columns slaColumns wrote (migration 036): a stored `running` (a running clock not met) is
 * breached once its due time has come. Held to slaOutcome by tests/reports-sla.test.ts.
 */
export function slaOutcomeSql(kind: keyof typeof OUTCOME_COLUMNS, now: Date): RawBuilder<SlaOutcome | null> {
  const [outcome, due] = OUTCOME_COLUMNS[kind].map((col) => sql.ref(`c.${col}`));
  return sql<SlaOutcome | null>`CASE WHEN ${outcome} = 'running' AND ${due} <= ${now} THEN 'breached' ELSE ${outcome} END`;
}
