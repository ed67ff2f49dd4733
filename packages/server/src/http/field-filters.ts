import { parseFieldFilter, type FieldValue } from '@casework/domain';
import type { Db } from '../db/connect.ts';
import { fieldDefinitions } from '../db/repos/case-fields.ts';
import type { FieldError } from '../errors.ts';

/** The query parameters of the Cases list that filter by a custom field: `field.<key>=value`. */
export const FIELD_FILTER_PREFIX = 'field.';
export const FIELD_FILTER_PATTERN = '^field\\.';

/**
 * Reads the `field.<key>=value` parameters of a list query into the values cases must contain,
 * by each field's type (the domain's parseFieldFilter). An unknown key or a value its type
 * cannot hold is named as `field.<key>`. No parameters: no definitions are read.
 */
export async function parseFieldFilters(
  db: Db,
  query: Record<string, unknown>,
  errors: FieldError[],
): Promise<Record<string, FieldValue> | undefined> {
  const given = Object.entries(query).filter(([name]) => name.startsWith(FIELD_FILTER_PREFIX));
  if (given.length === 0) return undefined;
  const defs = new Map((await fieldDefinitions(db)).map((d) => [d.key, d]));
  const values: Record<string, FieldValue> = {};
  for (const [name, raw] of given) {
    const key = name.slice(FIELD_FILTER_PREFIX.length);
    const d = defs.get(key);
    if (!d) {
      errors.push({ field: name, message: 'is not a defined field' });
      continue;
    }
    const parsed = parseFieldFilter(d, String(raw));
    if (parsed.ok) values[key] = parsed.value;
    else errors.push({ field: name, message: parsed.message });
  }
  return values;
}
