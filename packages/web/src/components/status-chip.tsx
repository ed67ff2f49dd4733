import type { CaseStatus } from '../api/types';
import { STATUS_LABELS } from '../lib/labels';

export function StatusChip({ status }: { status: CaseStatus }) {
  return <span className={`chip chip-status chip-${status}`}>{STATUS_LABELS[status] ?? status}</span>;
}
