import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { localDate } from '@casework/domain';
import { api, toQuery, type Answer } from '../../api/client';

/** GET /reports/summary's answer. */
export type Report = Answer<'/reports/summary', 'get'>;
export type ReportQuery = { from: string; to: string; teamId?: string; type?: string; agentId?: string };

export type Preset = 'today' | 'last7' | 'month' | 'custom';
export const PRESETS: { value: Exclude<Preset, 'custom'>; label: string }[] = [
  { value: 'today', label: 'Today' },
  { value: 'last7', label: 'Last 7 days' },
  { value: 'month', label: 'This month' },
];

/** A calendar date `days` before `date` (YYYY-MM-DD arithmetic; the zone is already applied). */
const daysBefore = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

/** The dates of a preset in the user's zone: today, the last 7 days with today, the month so far. */
export function presetRange(preset: Exclude<Preset, 'custom'>, zone: string, now = new Date()): { from: string; to: string } {
  const today = localDate(now, zone);
  if (preset === 'today') return { from: today, to: today };
  if (preset === 'last7') return { from: daysBefore(today, 6), to: today };
  return { from: `${today.slice(0, 8)}01`, to: today };
}

/** The report for a range; refreshed every minute while it includes today (live figures). */
export function useReport(q: ReportQuery, today: string) {
  return useQuery({
    queryKey: ['reports', 'summary', q],
    queryFn: ({ signal }) => api.get<'/reports/summary'>(`/reports/summary${toQuery(q)}`, { signal }),
    placeholderData: keepPreviousData,
    refetchInterval: q.to >= today ? 60_000 : false,
    retry: false,
  });
}

/** Seconds as a short duration: "45s", "12m", "3h 20m", "2d 4h"; an em dash without data. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours}h ${minutes % 60}m` : `${hours}h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days}d ${hours % 24}h` : `${days}d`;
}
