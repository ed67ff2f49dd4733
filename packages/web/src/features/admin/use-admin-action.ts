import { useState } from 'react';
import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { ApiError } from '../../api/client';
import { useToast } from '../../components/toast';

/** Runs an admin change: busy state, field errors, success toast and refetch of `invalidate`. */
export function useAdminAction(invalidate: QueryKey[]) {
  const client = useQueryClient();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const [fields, setFields] = useState<Record<string, string>>({});

  async function run<T>(work: () => Promise<T>, success?: string): Promise<T | undefined> {
    setBusy(true);
    setFields({});
    try {
      const result = await work();
      if (success) toast.success(success);
      await Promise.all(invalidate.map((queryKey) => client.invalidateQueries({ queryKey })));
      return result;
    } catch (error) {
      if (error instanceof ApiError && error.fields) setFields(error.fields);
      toast.error(error);
      return undefined;
    } finally {
      setBusy(false);
    }
  }

  return { run, busy, fields };
}
