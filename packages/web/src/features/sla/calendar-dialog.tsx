import { useId, useState } from 'react';
import { checkCalendar, LIMITS } from '@casework/domain';
import { api } from '../../api/client';
import { useTimeZone } from '../../api/queries';
import { Dialog } from '../../components/dialog';
import { FormButtons } from '../../components/form-buttons';
import { TimeZoneSelect } from '../../components/time-zone-select';
import { useAdminAction } from '../admin/use-admin-action';
import { slaKeys, WEEKDAYS, type BusinessCalendar } from './sla-api';

type Period = { day: number; start: string; end: string; overnight?: boolean };

const OFFICE_HOURS: Period[] = [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' }));

/**
 * Create or change a business-hours calendar (SPEC §12): its zone, opening hours per weekday
 * (several periods a day; one past midnight ends the next day) and holidays. The domain's
 * checkCalendar runs as the admin types, so overlaps and reversed hours show before saving.
 */
export function CalendarDialog({ calendar, onClose }: { calendar: BusinessCalendar | null; onClose: () => void }) {
  const userZone = useTimeZone();
  const { run, busy, fields: serverErrors } = useAdminAction([slaKeys.calendars]);
  const [name, setName] = useState(calendar?.name ?? '');
  const [timeZone, setTimeZone] = useState(calendar?.timeZone ?? userZone);
  const [hours, setHours] = useState<Period[]>(calendar?.hours.map((p) => ({ ...p })) ?? OFFICE_HOURS);
  const [holidays, setHolidays] = useState<string[]>(calendar?.holidays ?? []);
  const [holiday, setHoliday] = useState('');
  const id = useId();

  const checked = checkCalendar({ timeZone, hours, holidays });
  const errors: Record<string, string> = { ...serverErrors };
  if (!checked.ok) for (const e of checked.errors) errors[e.field] ??= e.message;
  const periodError = (i: number) =>
    errors[`hours.${i}`] ?? errors[`hours.${i}.start`] ?? errors[`hours.${i}.end`] ?? errors[`hours.${i}.day`];
  const canSave = name.trim() !== '' && checked.ok;

  const update = (i: number, change: Partial<Period>) => setHours((list) => list.map((p, j) => (j === i ? { ...p, ...change } : p)));
  const remove = (i: number) => setHours((list) => list.filter((_, j) => j !== i));
  const add = (day: number) => {
    const last = hours.filter((p) => p.day === day).at(-1);
    setHours((list) => [
      ...list,
      last ? { day, start: last.end === '24:00' ? '23:00' : last.end, end: '24:00' } : { day, start: '09:00', end: '17:00' },
    ]);
  };

  async function save() {
    const body = {
      name: name.trim(),
      timeZone,
      hours: hours.map((p) => ({ day: p.day, start: p.start, end: p.end, ...(p.overnight ? { overnight: true } : {}) })),
      holidays,
    };
    const saved = calendar
      ? await run(() => api.patch<'/calendars/{id}'>(`/calendars/${calendar.id}`, body), `${body.name} saved`)
      : await run(() => api.post<'/calendars'>('/calendars', body), `${body.name} added`);
    if (saved) onClose();
  }

  return (
    <Dialog
      title={calendar ? `Edit ${calendar.name}` : 'New business hours'}
      onClose={onClose}
      onSubmit={() => void save()}
      footer={
        <FormButtons onCancel={onClose} busy={busy} disabled={!canSave}>
          {calendar ? 'Save' : 'Add calendar'}
        </FormButtons>
      }
    >
      <div className="settings-grid">
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} value={name} maxLength={LIMITS.name} onChange={(event) => setName(event.target.value)} required />
          {errors.name ? <p className="field-error">{errors.name}</p> : null}
        </div>
        <div className="field">
          <label htmlFor={`${id}-zone`}>Time zone</label>
          <TimeZoneSelect id={`${id}-zone`} value={timeZone} onChange={setTimeZone} required />
          {errors.timeZone ? <p className="field-error">{errors.timeZone}</p> : null}
        </div>
      </div>
      <fieldset className="fieldset">
        <legend>Opening hours</legend>
        <p className="field-hint">Targets count only while open. A period past midnight ends the next day.</p>
        <div className="week-hours">
          {WEEKDAYS.map((dayName, index) => {
            const day = index + 1;
            const periods = hours.map((p, i) => ({ p, i })).filter(({ p }) => p.day === day);
            return (
              <div key={dayName} className="week-day">
                <span className="week-day-name">{dayName}</span>
                <div className="week-day-periods">
                  {periods.length === 0 ? <span className="muted">Closed</span> : null}
                  {periods.map(({ p, i }) => (
                    <div key={i} className="week-period">
                      <input
                        type="time"
                        aria-label={`${dayName} opens`}
                        value={p.start}
                        onChange={(event) =>
                          update(i, { start: event.target.value, overnight: p.end !== '24:00' && p.end < event.target.value })
                        }
                        aria-invalid={Boolean(periodError(i)) || undefined}
                      />
                      <span aria-hidden="true">–</span>
                      <input
                        type="time"
                        aria-label={`${dayName} closes`}
                        value={p.end === '24:00' ? '00:00' : p.end}
                        onChange={(event) => {
                          const end = event.target.value === '00:00' && !p.overnight ? '24:00' : event.target.value;
                          update(i, { end, overnight: end !== '24:00' && end < p.start });
                        }}
                        aria-invalid={Boolean(periodError(i)) || undefined}
                      />
                      {p.overnight ? <span className="chip">next day</span> : null}
                      <button
                        type="button"
                        className="link-btn"
                        onClick={() => remove(i)}
                        aria-label={`Remove ${dayName} ${p.start}–${p.end}`}
                      >
                        Remove
                      </button>
                      {periodError(i) ? <p className="field-error week-period-error">{periodError(i)}</p> : null}
                    </div>
                  ))}
                </div>
                <button type="button" className="link-btn" onClick={() => add(day)} aria-label={`Add hours on ${dayName}`}>
                  Add hours
                </button>
              </div>
            );
          })}
        </div>
        {errors.hours ? <p className="field-error">{errors.hours}</p> : null}
      </fieldset>
      <fieldset className="fieldset">
        <legend>Holidays</legend>
        <p className="field-hint">Closed all day; a period that starts the evening before still ends as planned.</p>
        <div className="holiday-add">
          <label htmlFor={`${id}-holiday`} className="visually-hidden">
            Holiday date
          </label>
          <input id={`${id}-holiday`} type="date" value={holiday} onChange={(event) => setHoliday(event.target.value)} />
          <button
            type="button"
            className="btn btn-sm"
            disabled={!holiday || holidays.includes(holiday)}
            onClick={() => {
              setHolidays((list) => [...list, holiday].sort());
              setHoliday('');
            }}
          >
            Add holiday
          </button>
        </div>
        {holidays.length ? (
          <ul className="chip-row holiday-list">
            {holidays.map((h, i) => (
              <li key={h} className="chip">
                {h}
                <button
                  type="button"
                  className="chip-remove"
                  aria-label={`Remove holiday ${h}`}
                  onClick={() => setHolidays((list) => list.filter((x) => x !== h))}
                >
                  ×
                </button>
                {errors[`holidays.${i}`] ? <span className="field-error">{errors[`holidays.${i}`]}</span> : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">No holidays</p>
        )}
      </fieldset>
    </Dialog>
  );
}
