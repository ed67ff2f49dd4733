import { useMemo } from 'react';
import { listTimeZones } from '../lib/time';

type Props = {
  id?: string;
  value: string;
  onChange: (zone: string) => void;
  /** When given, an empty first option with this label (meaning "no zone of my own"). */
  emptyLabel?: string;
  required?: boolean;
};

/** A select over the IANA zones this browser supports. */
export function TimeZoneSelect({ id, value, onChange, emptyLabel, required }: Props) {
  const zones = useMemo(() => {
    const all = listTimeZones();
    return value && !all.includes(value) ? [value, ...all] : all;
  }, [value]);
  return (
    <select id={id} value={value} onChange={(event) => onChange(event.target.value)} required={required}>
      {emptyLabel !== undefined ? <option value="">{emptyLabel}</option> : null}
      {zones.map((zone) => (
        <option key={zone} value={zone}>
          {zone.replaceAll('_', ' ')}
        </option>
      ))}
    </select>
  );
}
