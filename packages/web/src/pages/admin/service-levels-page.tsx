import { SLA_KINDS, TYPE_LABEL, type CaseType } from '@casework/domain';
import { useTeams } from '../../api/queries';
import { Button } from '../../components/button';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { DataTable } from '../../components/data-table';
import { EmptyState } from '../../components/empty-state';
import { QueryStates } from '../../components/query-states';
import { AdminSection } from '../../features/admin/admin-section';
import { useEditAndRemove } from '../../features/admin/use-edit-and-remove';
import { PRIORITY_LABELS, isPriority } from '../../features/case-data/case-data-api';
import { CalendarDialog } from '../../features/sla/calendar-dialog';
import { PolicyDialog } from '../../features/sla/policy-dialog';
import { SLA_KIND_LABELS } from '../../features/sla/sla-badge';
import {
  hoursSummary,
  minutesWords,
  slaKeys,
  useCalendars,
  usePolicies,
  type BusinessCalendar,
  type SlaPolicy,
} from '../../features/sla/sla-api';
import { AdminPage } from './admin-layout';

/** Service levels (SPEC §12): SLA policies and the business-hours calendars their targets count in. */
export function ServiceLevelsPage() {
  return (
    <AdminPage title="Service levels" permission="admin.sla">
      <PoliciesSection />
      <CalendarsSection />
    </AdminPage>
  );
}

function PoliciesSection() {
  const policies = usePolicies();
  const calendars = useCalendars();
  const teams = useTeams();
  const list = useEditAndRemove<SlaPolicy>(
    slaKeys.policies,
    (p) => `/sla-policies/${p.id}`,
    (p) => `${p.name} deleted`,
  );
  const { editing, removing } = list;
  const calendarName = (id: string | null) => (id ? (calendars.data?.find((c) => c.id === id)?.name ?? 'Unknown calendar') : null);
  const teamName = (id: string) => teams.data?.find((t) => t.id === id)?.name ?? 'Unknown team';

  const conditions = (p: SlaPolicy) => {
    const c = p.conditions;
    const parts = [
      c.priorities?.length
        ? `Priority ${c.priorities.map((x) => (isPriority(x) ? PRIORITY_LABELS[x] : x).toLowerCase()).join(' or ')}`
        : null,
      c.types?.length ? `Channel ${c.types.map((t) => TYPE_LABEL[t as CaseType] ?? t).join(' or ')}` : null,
      c.teamIds?.length ? `Team ${c.teamIds.map(teamName).join(' or ')}` : null,
      c.tags?.length ? `Tagged ${c.tags.join(' or ')}` : null,
    ].filter(Boolean);
    return parts.length ? parts : ['Every case'];
  };

  return (
    <AdminSection id="sla-policies" title="SLA policies" newLabel="New policy" onNew={() => list.setEditing('new')}>
      <p className="muted section-lead">
        Each case gets the first policy that matches it: its first response, next response and resolution are due within the targets,
        counted in business hours. Clocks pause while a case is waiting. Cards and the Cases list show the nearest due time; a breach
        notifies the owner (or the team's supervisors).
      </p>
      <QueryStates
        query={policies}
        loadingLabel="Loading policies…"
        empty={<EmptyState title="No SLA policies yet">Add one to give cases due times.</EmptyState>}
      />
      {policies.data?.length ? (
        <DataTable columns={['#', 'Policy', 'Applies to', 'Targets', 'Counted in']} stacked>
          {policies.data.map((p) => (
            <tr key={p.id}>
              <td data-label="Position" className="muted">
                {p.position}
              </td>
              <td data-label="Policy">
                <div className="cell-title">{p.name}</div>
              </td>
              <td data-label="Applies to">
                {conditions(p).map((line) => (
                  <div key={line}>{line}</div>
                ))}
              </td>
              <td data-label="Targets">
                <dl className="sla-target-list">
                  {SLA_KINDS.filter((k) => p.targets[k]).map((k) => (
                    <div key={k}>
                      <dt>{SLA_KIND_LABELS[k]}</dt>
                      <dd>{minutesWords(p.targets[k]!)}</dd>
                    </div>
                  ))}
                </dl>
              </td>
              <td data-label="Counted in">{calendarName(p.calendarId) ?? <span className="muted">Around the clock</span>}</td>
              <td className="cell-actions">
                <Button size="sm" onClick={() => list.setEditing(p)} aria-label={`Edit policy ${p.name}`}>
                  Edit
                </Button>
                <Button size="sm" variant="danger" onClick={() => list.setRemoving(p)} aria-label={`Delete policy ${p.name}`}>
                  Delete
                </Button>
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {editing ? <PolicyDialog policy={editing === 'new' ? null : editing} onClose={() => list.setEditing(null)} /> : null}
      {removing ? (
        <ConfirmDialog
          title={`Delete ${removing.name}?`}
          confirmLabel="Delete policy"
          cancelLabel="Keep"
          danger
          busy={list.busy}
          onClose={() => list.setRemoving(null)}
          onConfirm={() => void list.remove(removing)}
        >
          <p>
            Its open cases lose their due times shortly (they are brought up to date in the background), unless another policy matches them.
          </p>
        </ConfirmDialog>
      ) : null}
    </AdminSection>
  );
}

function CalendarsSection() {
  const calendars = useCalendars();
  const list = useEditAndRemove<BusinessCalendar>(
    slaKeys.calendars,
    (c) => `/calendars/${c.id}`,
    (c) => `${c.name} deleted`,
  );
  const { editing, removing } = list;
  return (
    <AdminSection id="calendars" title="Business hours" newLabel="New calendar" onNew={() => list.setEditing('new')}>
      <p className="muted section-lead">
        When your team is open, in its own time zone, with holidays. A policy's targets count only while its calendar is open.
      </p>
      <QueryStates
        query={calendars}
        loadingLabel="Loading calendars…"
        empty={<EmptyState title="No business hours yet">Without a calendar, targets count around the clock.</EmptyState>}
      />
      {calendars.data?.length ? (
        <DataTable columns={['Calendar', 'Time zone', 'Open', 'Holidays']} stacked>
          {calendars.data.map((c) => (
            <tr key={c.id}>
              <td data-label="Calendar">
                <div className="cell-title">{c.name}</div>
              </td>
              <td data-label="Time zone">{c.timeZone}</td>
              <td data-label="Open">
                {hoursSummary(c.hours).map((line) => (
                  <div key={line}>{line}</div>
                ))}
              </td>
              <td data-label="Holidays">
                {c.holidays.length ? `${c.holidays.length} (next: ${nextHoliday(c.holidays) ?? '—'})` : <span className="muted">None</span>}
              </td>
              <td className="cell-actions">
                <Button size="sm" onClick={() => list.setEditing(c)} aria-label={`Edit calendar ${c.name}`}>
                  Edit
                </Button>
                <Button size="sm" variant="danger" onClick={() => list.setRemoving(c)} aria-label={`Delete calendar ${c.name}`}>
                  Delete
                </Button>
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {editing ? <CalendarDialog calendar={editing === 'new' ? null : editing} onClose={() => list.setEditing(null)} /> : null}
      {removing ? (
        <ConfirmDialog
          title={`Delete ${removing.name}?`}
          confirmLabel="Delete calendar"
          cancelLabel="Keep"
          danger
          busy={list.busy}
          onClose={() => list.setRemoving(null)}
          onConfirm={() => void list.remove(removing)}
        >
          <p>A calendar that a policy counts in cannot be deleted: change those policies first.</p>
        </ConfirmDialog>
      ) : null}
    </AdminSection>
  );
}

function nextHoliday(holidays: string[]): string | null {
  const today = new Date().toISOString().slice(0, 10);
  return holidays.find((h) => h >= today) ?? null;
}
