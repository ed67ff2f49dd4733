import { useEffect, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, toQuery, type Answer } from '../../api/client';
import { formatPhone } from '../../lib/phone';

export type CustomerListItem = Answer<'/customers', 'get'>['customers'][number];
export type CustomerProfile = Answer<'/customers/{id}', 'get'>;

export const customerKeys = {
  all: ['customers'] as const,
  list: (q: string) => ['customers', 'list', q] as const,
  profile: (id: string, part: 'pages' | 'open') => ['customers', 'profile', id, part] as const,
};

/** The name a customer goes by: name, else email, else phone (the list's order). */
export function customerLabel(c: { name: string | null; email: string | null; phone: string | null }): string {
  return c.name || c.email || (c.phone ? formatPhone(c.phone) : null) || 'Unnamed customer';
}

/**
 * Initials for the avatar: the first letter of the first two words of the name, else of the email
 * address's local part. Empty when neither has a letter (a customer known by a phone number only):
 * the avatar then shows a person, never digits or a `+`.
 */
export function initials(c: { name: string | null; email: string | null }): string {
  const source = c.name?.trim() || (c.email ?? '').replace(/[@.].*$/, '');
  return source
    .split(/\s+/)
    .map((word) => word.match(/\p{L}/u)?.[0] ?? '')
    .filter(Boolean)
    .slice(0, 2)
    .join('')
    .toUpperCase();
}

/** A value that follows `value` once it stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms = 200): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** The first page of customers matching a search (for pickers). */
export function useCustomerSearch(q: string, enabled = true) {
  const term = useDebounced(q.trim());
  return useQuery({
    queryKey: customerKeys.list(term),
    queryFn: ({ signal }) => api.get<'/customers'>(`/customers${toQuery({ q: term, limit: 8 })}`, { signal }),
    enabled: enabled && term.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}

/** A customer with their open cases the user sees (newest first, the first few). */
export function useCustomerOpenCases(id: string | null | undefined) {
  return useQuery({
    queryKey: customerKeys.profile(id ?? '', 'open'),
    queryFn: ({ signal }) => api.get<'/customers/{id}'>(`/customers/${encodeURIComponent(id!)}?open=true&casesLimit=6`, { signal }),
    enabled: Boolean(id),
    retry: false,
  });
}
