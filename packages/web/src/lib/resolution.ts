import type { Case } from '../api/types';

const RESOLUTION_LABELS = { completed: 'Completed', unresolved: 'Unresolved', canceled: 'Canceled' } as const;

/**
 * How a case ended, in words: an abandoned chat (the customer left before anyone replied) says
 * so instead of a bare "unresolved".
 */
export function resolutionLabel(c: Pick<Case, 'resolution' | 'resolutionReason'>): string | null {
  if (c.resolutionReason === 'abandoned') return 'Abandoned';
  return c.resolution ? RESOLUTION_LABELS[c.resolution] : null;
}

/** A longer explanation of the resolution, where there is one to give. */
export function resolutionHint(c: Pick<Case, 'resolutionReason'>): string | null {
  return c.resolutionReason === 'abandoned' ? 'The customer ended the chat before anyone replied.' : null;
}
