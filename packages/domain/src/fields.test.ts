import { describe, expect, it } from 'vitest';
import {
  FIELD_TYPES,
  checkDefinition,
  checkFieldValue,
  editFieldValues,
  fieldApplies,
  fieldsBlockingResolve,
  isCalendarDate,
  parseFieldFilter,
  type FieldDefinition,
  type FieldType,
  type FieldValues,
} from './fields.ts';

const def = (type: FieldType, extra: Partial<FieldDefinition> = {}): FieldDefinition => ({
  key: type,
  label: type.toUpperCase(),
  type,
  options: type === 'select' || type === 'multiselect' ? ['red', 'green', 'blue'] : null,
  required: false,
  teamIds: null,
  ...extra,
});

/** Each type × a range of inputs: the stored value, or (OK-less) the refusal it must give. */
const VALUES: Record<FieldType, [input: unknown, expected: unknown][]> = {
  text: [
    ['hello', 'hello'],
    ['  padded  ', 'padded'],
    ['', null],
    ['   ', null],
    ['x'.repeat(1000), 'x'.repeat(1000)],
    ['x'.repeat(1001), /at most 1000/],
    [5, /must be text/],
    [true, /must be text/],
    [['a'], /must be text/],
    [{}, /must be text/],
  ],
  number: [
    [0, 0],
    [-3.5, -3.5],
    [1e9, 1e9],
    ['5', /must be a number/],
    [Number.NaN, /must be a number/],
    [Number.POSITIVE_INFINITY, /must be a number/],
    [true, /must be a number/],
  ],
  date: [
    ['2026-03-10', '2026-03-10'],
    ['2024-02-29', '2024-02-29'],
    ['2026-02-29', /YYYY-MM-DD/],
    ['2026-13-01', /YYYY-MM-DD/],
    ['2026-3-10', /YYYY-MM-DD/],
    ['2026-03-10T00:00:00Z', /YYYY-MM-DD/],
    [20260310, /YYYY-MM-DD/],
  ],
  select: [
    ['red', 'red'],
    ['Red', /must be one of: red, green, blue/],
    ['purple', /must be one of/],
    [['red'], /must be one of/],
    [1, /must be one of/],
  ],
  multiselect: [
    [
      ['blue', 'red'],
      ['red', 'blue'],
    ],
    [['red', 'red'], ['red']],
    [[], null],
    [['purple'], /unknown option "purple"/],
    ['red', /list of options/],
    [[1], /list of options/],
  ],
  checkbox: [
    [true, true],
    [false, false],
    ['true', /true or false/],
    [1, /true or false/],
  ],
};

describe('checkFieldValue: type × input', () => {
  const rows = FIELD_TYPES.flatMap((type) => VALUES[type].map(([input, expected]) => ({ type, input, expected })));
  it.each(rows)('$type $input', ({ type, input, expected }) => {
    const r = checkFieldValue(def(type), input);
    if (expected instanceof RegExp) {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(expected);
    } else expect(r).toEqual({ ok: true, value: expected });
  });
  it.each(FIELD_TYPES)('null clears a %s field', (type) => {
    expect(checkFieldValue(def(type), null)).toEqual({ ok: true, value: null });
  });
});

describe('checkDefinition', () => {
  it.each([
    ['a good text field', def('text'), []],
    ['a good select', def('select'), []],
    ['a key with capitals', def('text', { key: 'Plan' }), ['key']],
    ['a key starting with a digit', def('text', { key: '1plan' }), ['key']],
    ['a key with a dot', def('text', { key: 'a.b' }), ['key']],
    ['a key of 41 characters', def('text', { key: `a${'b'.repeat(40)}` }), ['key']],
    ['a blank label', def('text', { label: '  ' }), ['label']],
    ['an unknown type', { ...def('text'), type: 'color' as FieldType }, ['type']],
    ['a select without options', def('select', { options: [] }), ['options']],
    ['a multiselect with null options', def('multiselect', { options: null }), ['options']],
    ['a select with a blank option', def('select', { options: ['a', ' '] }), ['options']],
    ['a select with twice the same option', def('select', { options: ['a', 'a'] }), ['options']],
    ['a number with options', def('number', { options: ['1'] }), ['options']],
    ['a checkbox with empty options', def('checkbox', { options: [] }), []],
  ] as const)('%s', (_name, d, fields) => {
    expect(checkDefinition(d).map((p) => p.field)).toEqual(fields);
  });
});

describe('fieldApplies', () => {
  it.each([
    [null, 't1', true],
    [[], 't1', true],
    [['t1', 't2'], 't1', true],
    [['t2'], 't1', false],
  ] as const)('teams %j, case team %s → %s', (teamIds, team, expected) => {
    expect(fieldApplies({ teamIds }, team)).toBe(expected);
  });
});

describe('isCalendarDate', () => {
  it.each([
    ['2026-01-31', true],
    ['2026-04-31', false],
    ['2000-02-29', true],
    ['1900-02-29', false],
    ['0000-01-01', true],
    ['26-01-01', false],
    ['', false],
  ])('%s → %s', (s, expected) => expect(isCalendarDate(s)).toBe(expected));
});

describe('editFieldValues', () => {
  const defs = [def('text'), def('number'), def('select'), def('multiselect'), def('checkbox', { teamIds: ['billing'] })];
  const current = { text: 'old', number: 3 };

  it.each([
    [
      'sets new values and records each change',
      { select: 'red', number: 4 },
      'support',
      {
        values: { text: 'old', number: 4, select: 'red' },
        changes: [
          { key: 'select', label: 'SELECT', from: null, to: 'red' },
          { key: 'number', label: 'NUMBER', from: 3, to: 4 },
        ],
      },
    ],
    [
      'null clears a value',
      { text: null },
      'support',
      { values: { number: 3 }, changes: [{ key: 'text', label: 'TEXT', from: 'old', to: null }] },
    ],
    [
      'blank text clears it too',
      { text: '  ' },
      'support',
      { values: { number: 3 }, changes: [{ key: 'text', label: 'TEXT', from: 'old', to: null }] },
    ],
    ['the same value is no change', { text: 'old', number: 3 }, 'support', { values: current, changes: [] }],
    ['clearing an unset field is no change', { select: null }, 'support', { values: current, changes: [] }],
    [
      "a team's field on that team's case",
      { checkbox: true },
      'billing',
      {
        values: { ...current, checkbox: true },
        changes: [{ key: 'checkbox', label: 'CHECKBOX', from: null, to: true }],
      },
    ],
  ] as const)('%s', (_name, input, team, expected) => {
    expect(editFieldValues(defs, team, current, input)).toEqual({ ok: true, ...expected });
  });

  it.each([
    ['an unknown key', { nope: 1 }, 'support', [{ field: 'fields.nope', message: 'is not a defined field' }]],
    ['a wrong type', { number: 'four' }, 'support', [{ field: 'fields.number', message: 'must be a number' }]],
    ["another team's field", { checkbox: true }, 'support', [{ field: 'fields.checkbox', message: "does not apply to this case's team" }]],
    [
      'one good and one bad: nothing changes, the bad one is named',
      { text: 'new', select: 'purple' },
      'support',
      [{ field: 'fields.select', message: 'must be one of: red, green, blue' }],
    ],
    [
      'every bad key is named',
      { a: 1, number: true },
      'support',
      [
        { field: 'fields.a', message: 'is not a defined field' },
        { field: 'fields.number', message: 'must be a number' },
      ],
    ],
  ] as const)('refuses %s', (_name, input, team, problems) => {
    expect(editFieldValues(defs, team, current, input)).toEqual({ ok: false, problems });
  });

  it("clears another team's field (after a move the old value can still go)", () => {
    const r = editFieldValues(defs, 'support', { checkbox: true }, { checkbox: null });
    expect(r).toEqual({ ok: true, values: {}, changes: [{ key: 'checkbox', label: 'CHECKBOX', from: true, to: null }] });
  });
});

describe('fieldsBlockingResolve', () => {
  const req = (type: FieldType, extra: Partial<FieldDefinition> = {}) => def(type, { required: true, ...extra });
  it.each([
    ['no required fields', [def('text')], {}, 'completed', []],
    ['a required field unset', [req('text')], {}, 'completed', ['text']],
    ['a required field set', [req('text')], { text: 'x' }, 'completed', []],
    ['resolving as unresolved is blocked too', [req('number')], {}, 'unresolved', ['number']],
    ['canceling is never blocked', [req('number')], {}, 'canceled', []],
    ['a required checkbox must be ticked', [req('checkbox')], { checkbox: false }, 'completed', ['checkbox']],
    ['a ticked required checkbox', [req('checkbox')], { checkbox: true }, 'completed', []],
    ['an empty multiselect is unset', [req('multiselect')], { multiselect: [] }, 'completed', ['multiselect']],
    ["another team's required field does not block", [req('date', { teamIds: ['billing'] })], {}, 'completed', []],
    ["this team's required field blocks", [req('date', { teamIds: ['support'] })], {}, 'completed', ['date']],
    ['all missing are named, in definition order', [req('select'), def('text'), req('number')], {}, 'completed', ['select', 'number']],
  ] as const)('%s', (_name, defs, fields, resolution, keys) => {
    expect(fieldsBlockingResolve(defs, { teamId: 'support', fields: fields as FieldValues }, resolution).map((d) => d.key)).toEqual(keys);
  });
});

describe('parseFieldFilter', () => {
  it.each([
    ['text', 'Gold plan', { ok: true, value: 'Gold plan' }],
    ['text', '  ', { ok: false, message: 'must not be blank' }],
    ['number', '42', { ok: true, value: 42 }],
    ['number', '-1.5', { ok: true, value: -1.5 }],
    ['number', '', { ok: false, message: 'must be a number' }],
    ['number', 'abc', { ok: false, message: 'must be a number' }],
    ['date', '2026-03-10', { ok: true, value: '2026-03-10' }],
    ['date', 'yesterday', { ok: false, message: 'must be a date (YYYY-MM-DD)' }],
    ['select', 'green', { ok: true, value: 'green' }],
    ['select', 'pink', { ok: false, message: 'must be one of: red, green, blue' }],
    ['multiselect', 'blue', { ok: true, value: ['blue'] }],
    ['multiselect', 'pink', { ok: false, message: 'must be one of the options' }],
    ['checkbox', 'true', { ok: true, value: true }],
    ['checkbox', 'false', { ok: true, value: false }],
    ['checkbox', 'yes', { ok: false, message: 'must be true or false' }],
  ] as const)('%s %j', (type, text, expected) => {
    expect(parseFieldFilter(def(type), text)).toEqual(expected);
  });
});
