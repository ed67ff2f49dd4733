import { useState } from 'react';
import type { QueryKey } from '@tanstack/react-query';
import { api, type ApiUrl } from '../../api/client';
import { useAdminAction } from './use-admin-action';

/**
 * Dialog state of an admin list: the item open for editing ("new" for a blank form) and the one
 * awaiting delete confirmation; `remove` deletes it, refetches `invalidate` and closes the confirmation only on success.
 */
export function useEditAndRemove<T>(invalidate: QueryKey, deletePath: (item: T) => ApiUrl<'delete'>, deletedMessage: (item: T) => string) {
  const [editing, setEditing] = useState<T | 'new' | null>(null);
  const [removing, setRemoving] = useState<T | null>(null);
  const { run, busy } = useAdminAction([invalidate]);

  async function remove(item: T) {
    const done = await run(async () => {
      await api.delete(deletePath(item));
      return true;
    }, deletedMessage(item));
    if (done) setRemoving(null);
  }

  return { editing, setEditing, removing, setRemoving, remove, busy };
}
