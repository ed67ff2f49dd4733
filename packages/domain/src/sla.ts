import { addBusinessTime, businessTimeBetween, type Calendar, minutesMs } from './business-time.ts';
import { isPriority, normalizeTag, PRIORITIES, type Priority } from './case-data.ts';
import { ABANDONED_REASON } from './reports.ts';
import { CASE_TYPES, type CaseType, isCaseType, isOpen, type Status } from './types.ts';

/** The three SLA targets (SPEC §12), in the order a case shows them. */
export const SLA_KINDS = ['firstResponse', 'nextResponse', 'resolution'] as const;
export type SlaKind = (typeof SLA_KINDS)[number];

/** A target's state: `due_soon` once 80 % of it has passed (within 20 % of the target), `breached` once it all has. */
export const SLA_STATES = ['ok', 'due_soon', 'breached'] as const;
export type SlaState = (typeof SLA_STATES)[number];

/** The share of a target after which it is due soon. */
export const DUE_SOON_SHARE = 0.8;

export type SlaConditions = { priorities?: Priority[]; types?: CaseType[]; teamIds?: string[]; tags?: string[] };
export type SlaTargets = Partial<Record<SlaKind, number>>;
export type SlaPolicy = {
  id: string;
  name: string;
  position: number;
  conditions: SlaConditions;
  targets: SlaTargets;
  calendarId: string | null;
};

/** What policy matching looks at. */
export type SlaMatchFacts = { priority: Priority; type: CaseType; teamId: string; tags: readonly string[] };

/**
 * The policy that applies to a case: the first by position (ties by id) whose every stated
 * condition holds (a list condition holds when the case's value is in it; tags: any of them).
 */
export function matchPolicy<P extends Pick<SlaPolicy, 'id' | 'position' | 'conditions'>>(
  policies: readonly P[],
  c: SlaMatchFacts,
): P | null {
  const ordered = [...policies].sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return ordered.find((p) => policyApplies(p.conditions, c)) ?? null;
}

function policyApplies(k: SlaConditions, c: SlaMatchFacts): boolean {
  if (k.priorities?.length && !k.priorities.includes(c.priority)) return false;
  if (k.types?.length && !k.types.includes(c.type)) return false;
  if (k.teamIds?.length && !k.teamIds.includes(c.teamId)) return false;
  if (k.tags?.length && !k.tags.some((t) => c.tags.includes(t))) return false;
  return true;
}

type FieldError = { field: string; message: string };

/** The longest target: a year of minutes. */
export const MAX_TARGET_MINUTES = 366 * 24 * 60;

/**
 * Checks a policy's conditions and targets, naming each bad field (`targets.firstResponse`,
 * `conditions.priorities.1`…). Targets are whole minutes above 0; at least one is set. Tags are
 * normalised like case tags. Team and calendar ids are the caller's to check (they need the database).
 */
export function checkSlaPolicy(input: {
  conditions?: unknown;
  targets?: unknown;
}): { ok: true; conditions: SlaConditions; targets: SlaTargets } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const targets: SlaTargets = {};
  const t = (input.targets ?? {}) as Record<string, unknown>;
  if (typeof t !== 'object' || Array.isArray(t)) errors.push({ field: 'targets', message: 'must be an object of minutes' });
  else {
    for (const key of Object.keys(t)) {
      if (!(SLA_KINDS as readonly string[]).includes(key))
        errors.push({ field: `targets.${key}`, message: `unknown target (one of ${SLA_KINDS.join(', ')})` });
    }
    for (const kind of SLA_KINDS) {
      const v = t[kind];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0 || v > MAX_TARGET_MINUTES) {
        errors.push({ field: `targets.${kind}`, message: `must be a whole number of business minutes from 1 to ${MAX_TARGET_MINUTES}` });
      } else targets[kind] = v;
    }
    if (!errors.length && Object.keys(targets).length === 0) errors.push({ field: 'targets', message: 'set at least one target' });
  }
  const conditions: SlaConditions = {};
  const k = (input.conditions ?? {}) as Record<string, unknown>;
  const list = (key: keyof SlaConditions, ok: (v: unknown) => boolean, what: string, norm: (v: string) => string = (v) => v) => {
    const v = k[key];
    if (v === undefined || v === null) return;
    if (!Array.isArray(v)) {
      errors.push({ field: `conditions.${key}`, message: `must be a list of ${what}` });
      return;
    }
    const out: string[] = [];
    v.forEach((x, i) => {
      if (ok(x)) out.push(norm(x as string));
      else errors.push({ field: `conditions.${key}.${i}`, message: `must be ${what}` });
    });
    if (out.length) (conditions as Record<string, string[]>)[key] = [...new Set(out)];
  };
  list('priorities', isPriority, `a priority (${PRIORITIES.join(', ')})`);
  list('types', isCaseType, `a case type (${CASE_TYPES.join(', ')})`);
  list('teamIds', (v) => typeof v === 'string' && v.length > 0, 'a team id');
  list(
    'tags',
    (v) => typeof v === 'string' && normalizeTag(v).ok,
    'a tag (1–50 characters)',
    (v) => (normalizeTag(v) as { tag: string }).tag,
  );
  if (errors.length) return { ok: false, errors };
  return { ok: true, conditions, targets };
}

/**
 * One target's clock, kept on the case. `elapsedMs` is the business time counted up to
 * `runningSince` (or up to the pause or the meeting); a running clock has its due and due-soon
 * instants worked out in its calendar. Times are ISO strings (the clock is stored as JSON).
 */
export type SlaClock = {
  kind: SlaKind;
  minutes: number;
  elapsedMs: number;
  runningSince: string | null;
  pausedAt: string | null;
  dueAt: string | null;
  soonAt: string | null;
  metAt: string | null;
  breachedAt: string | null;
};
export type SlaRecord = { policyId: string; calendarId: string | null; clocks: SlaClock[] };

/**
 * What the clocks follow. `awaitingReplySince`: when the customer wrote after the last public
 * answer (null when an agent wrote last, or before any first response): the next-response clock.
 * `solved`: the case is finished as solved (reports' countsAsResolved): only that meets the
 * resolution target; a case canceled, marked spam or abandoned stops it unmet.
 */
export type SlaFacts = {
  status: Status;
  createdAt: Date;
  firstResponseAt: Date | null;
  awaitingReplySince: Date | null;
  solved: boolean;
};

/** Whether the clocks run: open and not waiting on the customer (SPEC §12: new and ready count). */
export const clocksRun = (status: Status): boolean => isOpen(status) && status !== 'waiting';

const iso = (t: number | Date): string => new Date(t).toISOString();
const ms = (v: string): number => Date.parse(v);

function schedule(c: SlaClock, cal: Calendar | null): SlaClock {
  if (!c.runningSince || c.metAt) return { ...c, dueAt: null, soonAt: null };
  const since = new Date(c.runningSince);
  const target = minutesMs(c.minutes);
  return {
    ...c,
    dueAt: iso(addBusinessTime(cal, since, target - c.elapsedMs)),
    soonAt: iso(addBusinessTime(cal, since, Math.max(0, target * DUE_SOON_SHARE - c.elapsedMs))),
  };
}

/** Stops the clock at `at`: the business time so far is added up. */
function stop(c: SlaClock, cal: Calendar | null, at: number): SlaClock {
  if (!c.runningSince) return c;
  return { ...c, elapsedMs: c.elapsedMs + businessTimeBetween(cal, new Date(c.runningSince), new Date(at)), runningSince: null };
}

/** A new clock that started at `start` and ran until `now` (or stopped at `now` if the case is paused). */
function fresh(kind: SlaKind, minutes: number, start: Date, now: number): SlaClock {
  const begin = Math.min(start.getTime(), now);
  return {
    kind,
    minutes,
    elapsedMs: 0,
    runningSince: iso(begin),
    pausedAt: null,
    dueAt: null,
    soonAt: null,
    metAt: null,
    breachedAt: null,
  };
}

/**
 * When a target is met, given the facts (null: not met). The resolution target is met by solving
 * the case, not by finishing it otherwise: canceled, spam and abandoned cases stop its clock unmet
 * (neither met nor breached unless it had breached by then), as a first response never given.
 */
function metAtFor(kind: SlaKind, f: SlaFacts, now: number): number | null {
  if (kind === 'firstResponse') return f.firstResponseAt ? Math.min(f.firstResponseAt.getTime(), now) : null;
  if (kind === 'resolution') return f.solved && !isOpen(f.status) ? now : null;
  return f.awaitingReplySince ? null : now;
}

/**
 * Brings a case's clocks up to date with its facts at `now` (SPEC §12), and says which targets were
 * breached and not yet recorded. Pure: the writer stores the record and records each breach once
 * (its `breachedAt` is then set). Rules: first response and resolution start at creation; next
 * response starts when the customer writes after an answer and stops at the next answer; resolution
 * stops when the case is finished and goes on where it stopped when reopened. Every clock stops while
 * the case waits and counts only business hours. A clock the policy no longer has goes; a new one
 * (the policy changed) counts from its start as if it had run. A breach is a target whose business
 * time reached its minutes (met late, or the due time passed).
 */
export function reconcileSla(
  prev: SlaRecord | null,
  facts: SlaFacts,
  policy: Pick<SlaPolicy, 'id' | 'targets' | 'calendarId'> | null,
  cal: Calendar | null,
  at: Date,
): { record: SlaRecord | null; breaches: SlaKind[] } {
  if (!policy) return { record: null, breaches: [] };
  const now = at.getTime();
  const running = clocksRun(facts.status);
  const clocks: SlaClock[] = [];
  const breaches: SlaKind[] = [];
  for (const kind of SLA_KINDS) {
    const minutes = policy.targets[kind];
    if (!minutes) continue;
    // Another policy or calendar keeps each clock's business time so far under the new minutes.
    let c = prev?.clocks.find((x) => x.kind === kind) ?? null;
    const dueBefore = c?.runningSince && !c.metAt && c.minutes === minutes && prev?.calendarId === policy.calendarId ? c.dueAt : null;
    if (c && c.minutes !== minutes) c = { ...c, minutes };
    const metAt = metAtFor(kind, facts, now);
    if (kind === 'nextResponse' && facts.awaitingReplySince && (!c || c.metAt)) {
      c = fresh(kind, minutes, facts.awaitingReplySince, now);
    }
    if (!c) {
      if (kind === 'nextResponse') continue; // nothing awaits an answer
      c = fresh(kind, minutes, facts.createdAt, now);
    }
    if (metAt !== null && !c.metAt) {
      c = { ...stop(c, cal, metAt), metAt: iso(metAt), pausedAt: null };
    } else if (metAt === null && c.metAt) {
      // reopened (resolution): it goes on from where it stopped
      c = { ...c, metAt: null, runningSince: running ? iso(now) : null, pausedAt: running ? null : iso(now) };
    } else if (!c.metAt) {
      if (running && !c.runningSince) c = { ...c, runningSince: iso(now), pausedAt: null };
      if (!running && c.runningSince) c = { ...stop(c, cal, now), pausedAt: iso(now) };
    }
    c = schedule(c, cal);
    if (!c.breachedAt) {
      const reached = c.runningSince ? ms(c.dueAt!) <= now : c.elapsedMs >= minutesMs(c.minutes);
      if (reached) {
        // when the business time reached the target: the due time it had, else the stop
        const when = c.runningSince ? ms(c.dueAt!) : dueBefore ? ms(dueBefore) : c.metAt ? ms(c.metAt) : now;
        c = { ...c, breachedAt: iso(Math.min(when, now)) };
        breaches.push(kind);
      }
    }
    clocks.push(c);
  }
  return { record: { policyId: policy.id, calendarId: policy.calendarId, clocks }, breaches };
}

/** A target as the case JSON shows it. */
export type SlaTargetView = {
  kind: SlaKind;
  minutes: number;
  dueAt: string | null;
  state: SlaState;
  pausedAt?: string;
  metAt?: string;
  breachedAt?: string;
};

/** A clock's state at `now`: breached once its business time reached the target, due soon past 80 %. */
export function clockState(c: SlaClock, now: Date): SlaState {
  const target = minutesMs(c.minutes);
  if (c.runningSince && !c.metAt) {
    const t = now.getTime();
    if (t >= ms(c.dueAt!)) return 'breached';
    return t >= ms(c.soonAt!) ? 'due_soon' : 'ok';
  }
  if (c.elapsedMs >= target || c.breachedAt) return 'breached';
  return !c.metAt && c.elapsedMs >= target * DUE_SOON_SHARE ? 'due_soon' : 'ok';
}

/** The case JSON's `sla` (SPEC §12): each target's due time (null while paused or met) and state. */
export function slaView(r: SlaRecord | null, now: Date): { policyId: string; targets: SlaTargetView[] } | null {
  if (!r) return null;
  return {
    policyId: r.policyId,
    targets: r.clocks.map((c) => ({
      kind: c.kind,
      minutes: c.minutes,
      dueAt: c.metAt ? null : c.dueAt,
      state: clockState(c, now),
      ...(c.pausedAt && !c.metAt ? { pausedAt: c.pausedAt } : {}),
      ...(c.metAt ? { metAt: c.metAt } : {}),
      ...(c.breachedAt ? { breachedAt: c.breachedAt } : {}),
    })),
  };
}

/**
 * How a target counts in reports' SLA achievement (SPEC §12): `breached` once it shows breached
 * (clockState: met late, or its business time reached the target), `met` when met in time,
 * `running` while it is neither and the case is open. A finished case (resolved or canceled) stops
 * its clocks (they count only while it is open and not waiting): a target it did not meet and had
 * not breached by then is neither met nor breached (null: not counted) and will not become either
 * unless the case is reopened; one whose business time reached the target before the case finished
 * counts as breached. The SQL copy (db/sql-rules.ts slaOutcomeSql, slaOutcomeOfClock) is held to it
 * by tests/reports-sla.test.ts on generated clocks.
 */
export type SlaOutcome = 'met' | 'breached' | 'running';
export function slaOutcome(c: SlaClock, now: Date, status: Status): SlaOutcome | null {
  if (clockState(c, now) === 'breached') return 'breached';
  if (c.metAt) return 'met';
  return isOpen(status) ? 'running' : null;
}

/**
 * A target's outcome as stored beside the record (slaColumns): `running` for a running clock not
 * met (it becomes breached at its due time, which is stored with it), else its slaOutcome (which
 * then no longer depends on the time: a clock that does not run keeps its state).
 */
export function storedOutcome(c: SlaClock, status: Status): SlaOutcome | null {
  return c.runningSince && !c.metAt ? 'running' : slaOutcome(c, new Date(0), status);
}

/** The targets reports count achievement of: first response and resolution (a next response recurs). */
export const REPORTED_SLA_KINDS = ['firstResponse', 'resolution'] as const satisfies readonly SlaKind[];

/** The share of decided targets met in time, in percent to one decimal (null: none decided). */
export function slaAchievement(met: number, breached: number): number | null {
  const decided = met + breached;
  return decided === 0 ? null : Math.round((met / decided) * 1000) / 10;
}

/**
 * The case's columns that lists, cards and the breach timer read: the nearest due time and
 * due-soon time of the running clocks, the first-response clock's due-soon and due times (the SLA guard),
 * the next unrecorded breach (the timer's), whether a clock that is not met has breached, and
 * whether a paused clock that is not met shows breached or due soon (clockState: its state cannot
 * change while it is paused, so it is a fact of the record, not of the time), and the reported
 * targets' outcomes for a case in `status` (storedOutcome).
 */
export function slaColumns(
  r: SlaRecord | null,
  status: Status,
): {
  dueAt: Date | null;
  soonAt: Date | null;
  firstResponseSoonAt: Date | null;
  firstResponseDueAt: Date | null;
  /** Reports' SLA achievement (storedOutcome): each reported target's outcome, and the resolution clock's due time while it runs unmet. */
  firstResponseOutcome: SlaOutcome | null;
  resolutionOutcome: SlaOutcome | null;
  resolutionDueAt: Date | null;
  breachAt: Date | null;
  breached: boolean;
  pausedBreached: boolean;
  pausedSoon: boolean;
} {
  let dueAt: number | null = null;
  let soonAt: number | null = null;
  let breachAt: number | null = null;
  let firstResponseSoonAt: number | null = null;
  let firstResponseDueAt: number | null = null;
  let resolutionDueAt: number | null = null;
  const outcome = (kind: SlaKind) => {
    const c = r?.clocks.find((x) => x.kind === kind);
    return c ? storedOutcome(c, status) : null;
  };
  let breached = false;
  let pausedBreached = false;
  let pausedSoon = false;
  const min = (a: number | null, b: number) => (a === null || b < a ? b : a);
  for (const c of r?.clocks ?? []) {
    if (c.metAt) continue;
    if (c.breachedAt || c.elapsedMs >= minutesMs(c.minutes)) breached = true;
    if (!c.runningSince) {
      const state = clockState(c, new Date(0)); // a paused clock's state does not read the time
      if (state === 'breached') pausedBreached = true;
      if (state === 'due_soon') pausedSoon = true;
      continue;
    }
    dueAt = min(dueAt, ms(c.dueAt!));
    soonAt = min(soonAt, ms(c.soonAt!));
    if (!c.breachedAt) breachAt = min(breachAt, ms(c.dueAt!));
    if (c.kind === 'firstResponse') {
      firstResponseSoonAt = ms(c.soonAt!);
      firstResponseDueAt = ms(c.dueAt!);
    }
    if (c.kind === 'resolution') resolutionDueAt = ms(c.dueAt!);
  }
  const d = (v: number | null) => (v === null ? null : new Date(v));
  return {
    dueAt: d(dueAt),
    soonAt: d(soonAt),
    firstResponseSoonAt: d(firstResponseSoonAt),
    firstResponseDueAt: d(firstResponseDueAt),
    firstResponseOutcome: outcome('firstResponse'),
    resolutionOutcome: outcome('resolution'),
    resolutionDueAt: d(resolutionDueAt),
    breachAt: d(breachAt),
    breached,
    pausedBreached,
    pausedSoon,
  };
}

/**
 * What the Cases list's `sla=` filter reads (SPEC §12): the worst state of an open case's targets
 * that are not met yet (breached over due soon over ok); null for a finished case or one without
 * targets left. A target met late stays breached on the case, but needs nobody's attention.
 */
export function slaAttention(r: SlaRecord | null, status: Status, now: Date): SlaState | null {
  if (!r || !isOpen(status)) return null;
  const states = r.clocks.filter((c) => !c.metAt).map((c) => clockState(c, now));
  if (states.length === 0) return null;
  return states.includes('breached') ? 'breached' : states.includes('due_soon') ? 'due_soon' : 'ok';
}

/** The list filter's values: `sla=due_soon|breached` (SPEC §12). */
export const SLA_FILTERS = ['due_soon', 'breached'] as const;
export type SlaFilter = (typeof SLA_FILTERS)[number];

/**
 * Whether a change can move a case's clocks or its policy, by its history events: creation, a
 * priority, tag or team change, a public message, or a status change that starts, stops or pauses
 * the clocks (new ↔ ready does neither: a claim leaves them as they are).
 */
export function movesSlaClocks(events: readonly { type: string; data: Record<string, unknown> }[]): boolean {
  return events.some((e) => {
    switch (e.type) {
      case 'case.created':
      case 'case.priority_changed':
      case 'case.tags_changed':
      case 'case.team_changed':
        return true;
      case 'case.message_created':
        return e.data.internal !== true;
      case 'case.status_changed': {
        const from = e.data.from as Status;
        const to = e.data.to as Status;
        return clocksRun(from) !== clocksRun(to) || isOpen(from) !== isOpen(to);
      }
      default:
        return false;
    }
  });
}

/** One event of a case's history as the SLA replay reads it (case_events: type, data, time). */
export type SlaHistoryEvent = { type: string; data: Record<string, unknown>; at: Date };

/**
 * A case's clock record computed from its own history (SPEC §12), for cases written in bulk (the
 * demo, an import): the events in order are folded into the facts the live product reads (status,
 * first public answer, whether the customer wrote last after it), and at each event that moves the
 * clocks (movesSlaClocks) reconcileSla runs as appending that event would have run it, then once
 * more at `now` (the breach timer's view). The policy is the one matched on the case's facts.
 */
export function replaySla(
  history: readonly SlaHistoryEvent[],
  policy: Pick<SlaPolicy, 'id' | 'targets' | 'calendarId'> | null,
  cal: Calendar | null,
  now: Date,
): SlaRecord | null {
  if (!policy) return null;
  let record: SlaRecord | null = null;
  let status: Status | null = null;
  let createdAt: Date | null = null;
  let firstResponseAt: Date | null = null;
  let lastFromCustomer: boolean | null = null;
  let lastAt: Date | null = null;
  let solved = false;
  for (const e of history) {
    if (e.at > now) break;
    if (e.type === 'case.created') {
      status = e.data.status as Status;
      createdAt = e.at;
    } else if (e.type === 'case.status_changed') {
      status = e.data.to as Status;
      // resolving (not abandoned) solves it, as closing at once does; closing a resolved case keeps what resolving said
      const finish = status === 'resolved' || (status === 'closed' && e.data.from !== 'resolved');
      if (finish) solved = e.data.reason !== ABANDONED_REASON;
      else if (status !== 'closed') solved = false;
    } else if (e.type === 'case.message_created' && e.data.internal !== true) {
      const outbound = e.data.direction === 'outbound';
      if (outbound && !firstResponseAt) firstResponseAt = e.at;
      lastFromCustomer = !outbound;
      lastAt = e.at;
    }
    if (!status || !createdAt || !movesSlaClocks([e])) continue;
    record = reconcileSla(record, factsNow(), policy, cal, e.at).record;
  }
  if (!status || !createdAt) return null;
  return reconcileSla(record, factsNow(), policy, cal, now).record;

  function factsNow(): SlaFacts {
    return {
      status: status!,
      createdAt: createdAt!,
      firstResponseAt,
      awaitingReplySince: firstResponseAt && lastFromCustomer && lastAt && lastAt > firstResponseAt ? lastAt : null,
      solved,
    };
  }
}
