import { fieldsBlockingResolve, type FieldDefinition } from '@casework/domain';
import type { Case } from '../../api/types';
import { useCaseFields } from './fields-api';

/** The required fields this case still lacks before it can be resolved (the domain's rule, as the server applies it). */
export function useMissingRequired(caseItem: Pick<Case, 'teamId' | 'fields'>): FieldDefinition[] {
  const fields = useCaseFields().data ?? [];
  return fieldsBlockingResolve(fields, { teamId: caseItem.teamId, fields: caseItem.fields ?? {} }, 'completed');
}

/** Tells, before resolving, which required fields must be set first (the server refuses otherwise, naming them). */
export function MissingRequiredNotice({ caseItem }: { caseItem: Pick<Case, 'teamId' | 'fields'> }) {
  const missing = useMissingRequired(caseItem);
  if (missing.length === 0) return null;
  return (
    <div className="banner banner-warning required-notice" role="alert">
      <span>
        <strong>Set {missing.map((f) => f.label).join(', ')} first.</strong> {missing.length === 1 ? 'This field is' : 'These fields are'}{' '}
        required to resolve the case (canceling is still possible).
      </span>
    </div>
  );
}
