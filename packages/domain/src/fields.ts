import type { Resolution } from './types.ts';

/** The kinds of custom field an administrator can define (SPEC §10). */
export const FIELD_TYPES = ['text', 'number', 'date', 'select', 'multiselect', 'checkbox'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Field types whose values come from the definition's `options`. */
export const OPTION_FIELD_TYPES = ['select', 'multiselect'] as const satisfies readonly FieldType[];

export const isFieldType = (v: unknown): v is FieldType => typeof v === 'string' && (FIELD_TYPES as readonly string[]).includes(v);
export const hasOptions = (t: FieldType): boolean => (OPTION_FIELD_TYPES as readonly FieldType[]).includes(t);

/** Sizes of definitions and values, shared by the API's schemas and the web app's forms. */
export const FIELD_LIMITS = {
  key: 40,
  label: 80,
  option: 80,
  options: 100,
  text: 1000,
  /** Definitions an organisation may have. */
  definitions: 100,
} as const;

/** A key: a lower-case letter, then lower-case letters, digits or underscores (it appears in URLs as `field.<key>`). */
export const FIELD_KEY_PATTERN = '^[a-z][a-z0-9_]*$';
const KEY = new RegExp(FIELD_KEY_PATTERN);

/**
 * A custom field as an administrator defined it. `options` for select and multiselect (else
 * null); `required`: the case cannot be resolved until it is set; `teamIds` null or empty: the
 * field applies to every team's cases, else only to those teams'.
 */
export type FieldDefinition = {
  key: string;
  label: string;
  type: FieldType;
  options: readonly string[] | null;
  required: boolean;
  teamIds: readonly string[] | null;
};

/** A stored value: text, date (YYYY-MM-DD) and select are strings, multiselect a list of options. */
export type FieldValue = string | number | boolean | string[];
export type FieldValues = Readonly<Record<string, FieldValue>>;

export type FieldProblem = { field: string; message: string };

/** Checks a definition's own consistency (the key's form, options only and always for selects, distinct options). */
export function checkDefinition(d: Omit<FieldDefinition, 'teamIds'> & { teamIds?: readonly string[] | null }): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!KEY.test(d.key) || d.key.length > FIELD_LIMITS.key) {
    problems.push({ field: 'key', message: `must be 1–${FIELD_LIMITS.key} lower-case letters, digits or _, starting with a letter` });
  }
  if (!d.label.trim()) problems.push({ field: 'label', message: 'must not be blank' });
  if (!isFieldType(d.type)) problems.push({ field: 'type', message: `must be one of ${FIELD_TYPES.join(', ')}` });
  else if (hasOptions(d.type)) {
    const options = d.options ?? [];
    if (options.length === 0) problems.push({ field: 'options', message: `a ${d.type} field needs at least one option` });
    else if (options.some((o) => !o.trim())) problems.push({ field: 'options', message: 'options must not be blank' });
    else if (new Set(options.map((o) => o.trim())).size !== options.length)
      problems.push({ field: 'options', message: 'options must differ' });
  } else if (d.options?.length) problems.push({ field: 'options', message: `a ${d.type} field has no options` });
  return problems;
}

/** Whether the field shows on (and may be set on) a case of this team. */
export function fieldApplies(d: Pick<FieldDefinition, 'teamIds'>, teamId: string): boolean {
  return !d.teamIds?.length || d.teamIds.includes(teamId);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A calendar date written YYYY-MM-DD that exists (no 2026-02-30). */
export function isCalendarDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3])); // not Date.UTC, which reads years 0–99 as 1900–1999
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

export type ValueCheck = { ok: true; value: FieldValue | null } | { ok: false; message: string };

type Checker = (d: FieldDefinition, v: unknown) => ValueCheck;
const bad = (message: string): ValueCheck => ({ ok: false, message });

/**
 * How each type reads a value, as one table so a new type does not compile without its rule.
 * Blank text and an empty multiselect clear the field (null), like null itself.
 */
const CHECKERS = {
  text: (_d, v) => {
    if (typeof v !== 'string') return bad('must be text');
    const t = v.trim();
    if (t.length > FIELD_LIMITS.text) return bad(`must be at most ${FIELD_LIMITS.text} characters`);
    return { ok: true, value: t || null };
  },
  number: (_d, v) => (typeof v === 'number' && Number.isFinite(v) ? { ok: true, value: v } : bad('must be a number')),
  date: (_d, v) => (typeof v === 'string' && isCalendarDate(v) ? { ok: true, value: v } : bad('must be a date (YYYY-MM-DD)')),
  select: (d, v) => {
    if (typeof v !== 'string') return bad('must be one of the options');
    return d.options?.includes(v) ? { ok: true, value: v } : bad(`must be one of: ${(d.options ?? []).join(', ')}`);
  },
  multiselect: (d, v) => {
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return bad('must be a list of options');
    const unknown = v.filter((x) => !d.options?.includes(x));
    if (unknown.length) return bad(`unknown option ${JSON.stringify(unknown[0])}; choose from: ${(d.options ?? []).join(', ')}`);
    // Kept in the definition's order, once each, so equal choices are equal values.
    const chosen = (d.options ?? []).filter((o) => v.includes(o));
    return { ok: true, value: chosen.length ? chosen : null };
  },
  checkbox: (_d, v) => (typeof v === 'boolean' ? { ok: true, value: v } : bad('must be true or false')),
} as const satisfies Record<FieldType, Checker>;

/** Reads a value given for a field: its stored form, null to clear, or why it does not fit the type. */
export function checkFieldValue(d: FieldDefinition, v: unknown): ValueCheck {
  if (v === null) return { ok: true, value: null };
  return CHECKERS[d.type](d, v);
}

/** One field's value changing on a case: recorded as a `case.field_changed` event. */
export type FieldChange = { key: string; label: string; from: FieldValue | null; to: FieldValue | null };

export type FieldEdit = { ok: true; values: Record<string, FieldValue>; changes: FieldChange[] } | { ok: false; problems: FieldProblem[] };

const same = (a: FieldValue | null, b: FieldValue | null) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Applies `{key: value or null}` to a case's values. Every key must be defined, apply to the
 * case's team (clearing is always allowed) and carry a value of its type; otherwise nothing
 * changes and each offending key is named as `fields.<key>`. Unchanged values make no change.
 */
export function editFieldValues(
  defs: readonly FieldDefinition[],
  teamId: string,
  current: FieldValues,
  input: Readonly<Record<string, unknown>>,
): FieldEdit {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const problems: FieldProblem[] = [];
  const values: Record<string, FieldValue> = { ...current };
  const changes: FieldChange[] = [];
  for (const [key, raw] of Object.entries(input)) {
    const d = byKey.get(key);
    const field = `fields.${key}`;
    if (!d) {
      problems.push({ field, message: 'is not a defined field' });
      continue;
    }
    const checked = checkFieldValue(d, raw);
    if (!checked.ok) {
      problems.push({ field, message: checked.message });
      continue;
    }
    if (checked.value !== null && !fieldApplies(d, teamId)) {
      problems.push({ field, message: "does not apply to this case's team" });
      continue;
    }
    const from = current[key] ?? null;
    if (same(from, checked.value)) continue;
    if (checked.value === null) delete values[key];
    else values[key] = checked.value;
    changes.push({ key, label: d.label, from, to: checked.value });
  }
  return problems.length ? { ok: false, problems } : { ok: true, values, changes };
}

/** Whether a required field counts as set: any value, and a checkbox only when ticked (as in Zendesk). */
export function isFieldSet(d: FieldDefinition, v: FieldValue | null | undefined): boolean {
  if (v === null || v === undefined) return false;
  if (d.type === 'checkbox') return v === true;
  return !(Array.isArray(v) && v.length === 0);
}

/**
 * The required fields that keep a case from being resolved (completed or unresolved): those
 * that apply to its team and are not set. Canceling is never blocked (spam, duplicates), nor is
 * a customer ending a chat: only an agent's resolve asks for them.
 */
export function fieldsBlockingResolve(
  defs: readonly FieldDefinition[],
  c: { teamId: string; fields: FieldValues },
  resolution: Resolution,
): FieldDefinition[] {
  if (resolution === 'canceled') return [];
  return defs.filter((d) => d.required && fieldApplies(d, c.teamId) && !isFieldSet(d, c.fields[d.key]));
}

export type FilterCheck = { ok: true; value: FieldValue } | { ok: false; message: string };

/**
 * Reads a list filter `field.<key>=<text>` as the value it matches: a number, true/false, a
 * date, an option (a multiselect matches cases that chose it), or the exact text.
 */
export function parseFieldFilter(d: FieldDefinition, text: string): FilterCheck {
  switch (d.type) {
    case 'number': {
      const n = text.trim() === '' ? Number.NaN : Number(text);
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, message: 'must be a number' };
    }
    case 'checkbox':
      return text === 'true' || text === 'false' ? { ok: true, value: text === 'true' } : { ok: false, message: 'must be true or false' };
    case 'multiselect':
      return d.options?.includes(text) ? { ok: true, value: [text] } : { ok: false, message: 'must be one of the options' };
    default: {
      const checked = checkFieldValue(d, text);
      if (!checked.ok) return checked;
      return checked.value === null ? { ok: false, message: 'must not be blank' } : { ok: true, value: checked.value };
    }
  }
}
