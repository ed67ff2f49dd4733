import { useId, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { keys } from '../../api/queries';
import { Dialog } from '../../components/dialog';
import { FormButtons } from '../../components/form-buttons';
import { useToast } from '../../components/toast';
import { TimeZoneSelect } from '../../components/time-zone-select';

type Props = { current: string | null; fallback: string | null; onClose: () => void };

/** Changes the signed-in user's zone (PATCH /me); "today" and every date follow it. */
export function TimeZoneDialog({ current, fallback, onClose }: Props) {
  const [zone, setZone] = useState(current ?? '');
  const [busy, setBusy] = useState(false);
  const client = useQueryClient();
  const toast = useToast();
  const fieldId = useId();

  async function save() {
    setBusy(true);
    try {
      await api.patch<'/me'>('/me', { timeZone: zone || null });
      await client.invalidateQueries({ queryKey: keys.me });
      await client.invalidateQueries({ queryKey: keys.work });
      toast.success('Time zone saved', zone || `Using the organisation's zone${fallback ? ` (${fallback})` : ''}`);
      onClose();
    } catch (error) {
      toast.error(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      title="Your time zone"
      size="sm"
      onClose={onClose}
      onSubmit={() => void save()}
      description={<p>Dates, wake times and "today" in My Work use this zone.</p>}
      footer={
        <FormButtons onCancel={onClose} busy={busy}>
          Save
        </FormButtons>
      }
    >
      <div className="field">
        <label htmlFor={fieldId}>Time zone</label>
        <TimeZoneSelect
          id={fieldId}
          value={zone}
          onChange={setZone}
          emptyLabel={`Organisation default${fallback ? ` (${fallback})` : ''}`}
        />
      </div>
    </Dialog>
  );
}
