import type { Case } from '../../api/types';
import { useTimeZone } from '../../api/queries';
import { formatAge, formatDateTime, formatWhen } from '../../lib/time';
import { useNow } from '../../lib/use-now';

type Sla = NonNullable<Case['sla']>;
type Target = Sla['targets'][number];
export type SlaTone = 'ok' | 'due_soon' | 'breached';

/** What each target is called (SPEC §12). */
export const SLA_KIND_LABELS: Record<Target['kind'], string> = {
  firstResponse: 'First response',
  nextResponse: 'Next response',
  resolution: 'Resolution',
};

/**
 * A target's state now: the server's (at the time it answered), breached once a running target's
 * due time has passed since. Due soon needs the calendar, so it stays the server's until the next refetch.
 */
export function targetState(t: Target, now: number): SlaTone {
  if (t.state === 'breached') return 'breached';
  if (t.dueAt && !t.metAt && new Date(t.dueAt).getTime() <= now) return 'breached';
  return t.state;
}

/** The target a card shows: the running one due first, else a paused one that needs attention. */
export function nearestTarget(sla: Sla | null | undefined, now: number): Target | null {
  if (!sla) return null;
  const open = sla.targets.filter((t) => !t.metAt);
  const running = open.filter((t) => t.dueAt).sort((a, b) => a.dueAt!.localeCompare(b.dueAt!));
  if (running.length) return running[0]!;
  return open.find((t) => targetState(t, now) !== 'ok') ?? null;
}

const ICON = 'M8 2.5a5.5 5.5 0 1 0 0 11 5.5 5.5 0 0 0 0-11ZM8 5v3.2l2 1.3';

/**
 * The nearest SLA due time as a small badge (SPEC §12): plain while on time, amber when due soon,
 * red once breached; the words say it too ("Due in 35m", "Overdue 12m", "Paused"), so colour is
 * never the only signal. Finished cases and cases without targets left show nothing.
 */
export function SlaBadge({ caseItem }: { caseItem: Pick<Case, 'sla' | 'status'> }) {
  const now = useNow();
  const timeZone = useTimeZone();
  if (!['new', 'ready', 'waiting'].includes(caseItem.status)) return null;
  const t = nearestTarget(caseItem.sla, now);
  if (!t) return null;
  const state = targetState(t, now);
  const kind = SLA_KIND_LABELS[t.kind];
  let words: string;
  if (!t.dueAt) words = state === 'breached' ? 'Breached, paused' : 'Paused';
  else {
    const left = new Date(t.dueAt).getTime() - now;
    words = left > 0 ? `Due in ${formatAge(left)}` : `Overdue ${formatAge(-left)}`;
  }
  const title = t.dueAt
    ? `${kind} due ${formatDateTime(t.dueAt, timeZone)}${state === 'due_soon' ? ' (due soon)' : state === 'breached' ? ' (breached)' : ''}`
    : `${kind} clock paused${t.pausedAt ? ` since ${formatWhen(t.pausedAt, timeZone, now)}` : ''}`;
  return (
    <span className={`sla-badge sla-${state}`} title={title} data-sla-state={state}>
      <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.6">
        <path d={ICON} strokeLinecap="round" />
      </svg>
      <span className="visually-hidden">SLA {kind.toLowerCase()}: </span>
      {words}
    </span>
  );
}

/** Each SLA target of a case with its due time and state (the case page's details). */
export function SlaTargets({ caseItem }: { caseItem: Pick<Case, 'sla'> }) {
  const now = useNow();
  const timeZone = useTimeZone();
  const sla = caseItem.sla;
  if (!sla) return <span className="muted">No SLA policy applies</span>;
  return (
    <ul className="sla-targets">
      {sla.targets.map((t) => {
        const state = targetState(t, now);
        const when = t.metAt
          ? `Met ${formatWhen(t.metAt, timeZone, now)}`
          : t.dueAt
            ? `${new Date(t.dueAt).getTime() > now ? 'Due' : 'Was due'} ${formatWhen(t.dueAt, timeZone, now)}`
            : `Paused${t.pausedAt ? ` since ${formatWhen(t.pausedAt, timeZone, now)}` : ''}`;
        const label = state === 'breached' ? 'Breached' : state === 'due_soon' ? 'Due soon' : t.metAt ? 'Met' : 'On time';
        return (
          <li key={t.kind} className="sla-target">
            <span className="sla-target-kind">{SLA_KIND_LABELS[t.kind]}</span>
            <span className={`sla-badge sla-${state}`}>{label}</span>
            <span className="sla-target-when">{when}</span>
          </li>
        );
      })}
    </ul>
  );
}
