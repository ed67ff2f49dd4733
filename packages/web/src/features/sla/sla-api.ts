import { useQuery } from '@tanstack/react-query';
import { api, type Answer } from '../../api/client';

/** A business-hours calendar and an SLA policy as the API answers them (SPEC §12). */
export type BusinessCalendar = Answer<'/calendars', 'get'>['calendars'][number];
export type SlaPolicy = Answer<'/sla-policies', 'get'>['policies'][number];

export const slaKeys = { calendars: ['calendars'] as const, policies: ['sla-policies'] as const };

export function useCalendars() {
  return useQuery({ queryKey: slaKeys.calendars, queryFn: async () => (await api.get<'/calendars'>('/calendars')).calendars });
}

export function usePolicies() {
  return useQuery({ queryKey: slaKeys.policies, queryFn: async () => (await api.get<'/sla-policies'>('/sla-policies')).policies });
}

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/** Minutes in words: "45 min", "2 h", "1 h 30 min", "3 d 4 h" (business minutes: a day is 24 h of open time). */
export function minutesWords(minutes: number): string {
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return [d ? `${d} d` : '', h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ') || '0 min';
}

/** A calendar's week in short words: "Mon–Fri 09:00–17:00", one entry per distinct set of hours. */
export function hoursSummary(hours: BusinessCalendar['hours']): string[] {
  const byDay = new Map<number, string>();
  for (const p of [...hours].sort((a, b) => a.day - b.day || a.start.localeCompare(b.start))) {
    const span = `${p.start}–${p.end}${p.overnight ? ' (+1 day)' : ''}`;
    byDay.set(p.day, byDay.has(p.day) ? `${byDay.get(p.day)}, ${span}` : span);
  }
  const out: string[] = [];
  let run: { from: number; to: number; spans: string } | null = null;
  const flush = () => {
    if (!run) return;
    const name = (d: number) => WEEKDAYS[d - 1]!.slice(0, 3);
    out.push(`${run.from === run.to ? name(run.from) : `${name(run.from)}–${name(run.to)}`} ${run.spans}`);
  };
  for (let day = 1; day <= 7; day++) {
    const spans = byDay.get(day);
    if (spans && run && run.spans === spans && run.to === day - 1) run.to = day;
    else {
      flush();
      run = spans ? { from: day, to: day, spans } : null;
    }
  }
  flush();
  return out;
}
