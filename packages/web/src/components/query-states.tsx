import type { ReactNode } from 'react';
import { ErrorState } from './empty-state';
import { LoadingState } from './spinner';

type ListQuery = { isPending: boolean; isError: boolean; error: unknown; data?: readonly unknown[]; refetch: () => unknown };

/**
 * What a list shows instead of its rows: a spinner while loading, the error with a retry,
 * and `empty` once it loaded with nothing in it (omit `empty` to show nothing then).
 */
export function QueryStates({ query, loadingLabel, empty }: { query: ListQuery; loadingLabel?: string; empty?: ReactNode }) {
  return (
    <>
      {query.isPending ? <LoadingState label={loadingLabel} /> : null}
      {query.isError ? <ErrorState error={query.error} onRetry={() => void query.refetch()} /> : null}
      {query.data?.length === 0 ? empty : null}
    </>
  );
}
