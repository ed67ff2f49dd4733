import { useQuery } from '@tanstack/react-query';
import { fieldApplies, type FieldType } from '@casework/domain';
import { api, type Answer } from '../../api/client';
import type { Case } from '../../api/types';

/** A custom field definition as GET /case-fields returns it. */
export type CaseField = Answer<'/case-fields', 'get'>['fields'][number];
/** A value as a case carries it. */
export type FieldValue = NonNullable<Case['fields']>[string];

export const fieldKeys = { fields: ['case-fields'] as const };

/** Every custom field definition (any signed-in user may read them). */
export function useCaseFields() {
  return useQuery({
    queryKey: fieldKeys.fields,
    queryFn: async () => (await api.get<'/case-fields'>('/case-fields')).fields,
    staleTime: 60_000,
  });
}

/** The fields a case of this team shows: those for every team or for this one, plus any that still hold a value. */
export function fieldsForCase(fields: readonly CaseField[], c: Pick<Case, 'teamId' | 'fields'>): CaseField[] {
  return fields.filter((f) => fieldApplies(f, c.teamId) || c.fields?.[f.key] !== undefined);
}

export const FIELD_TYPE_LABEL: Record<FieldType, string> = {
  text: 'Text',
  number: 'Number',
  date: 'Date',
  select: 'Drop-down',
  multiselect: 'Multi-select',
  checkbox: 'Checkbox',
};

/** A value as people read it: a multiselect's options joined, a checkbox Yes/No, a date as written. */
export function formatFieldValue(value: FieldValue | undefined): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  return String(value);
}

/** A key made from a label: "Root cause" → root_cause. */
export function keyFromLabel(label: string): string {
  const key = label
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .replace(/_+$/, '');
  return key.slice(0, 40);
}

/** Sets (or with null clears) one field of a case: PATCH /cases/:id/fields `{key: value}`, answering the case. */
export async function saveFieldValue(caseId: string, key: string, value: FieldValue | null): Promise<Case> {
  return api.patch<'/cases/{id}/fields'>(`/cases/${encodeURIComponent(caseId)}/fields`, { [key]: value });
}
