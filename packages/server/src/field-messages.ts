/**
 * Plain-language field messages. The schema validator's own texts (`must match format "email"`,
 * `must NOT have more than 300 characters`) are mapped here to what a person reads, once, so the
 * API's problem+json and the web app's forms say the same thing. A message is a phrase that
 * follows the field's name ("must be at most 300 characters"); `describeFields` writes the
 * problem's `detail` from them with readable field names.
 */
/** One field's complaint, as problem+json `errors[]` carry it. */
export type FieldError = { field: string; message: string };

/** One validator complaint (Ajv's error object), as far as the messages need it. */
export type ValidatorIssue = { keyword: string; params?: Record<string, unknown>; message?: string };

const FORMATS: Record<string, string> = {
  email: 'must be an email address, like name@example.com',
  'date-time': 'must be a date and time, like 2026-05-01T09:00:00Z',
  date: 'must be a date, like 2026-05-01',
  uuid: 'must be an id (a UUID)',
  uri: 'must be a web address',
};

const TYPE_NOUNS: Record<string, string> = {
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null',
};

/** A JSON type as a person names it: `object` → "an object", `integer` → "a whole number". */
export const typeNoun = (type: string) => TYPE_NOUNS[type] ?? type;

const PATTERNS: Record<string, string> = {
  '\\S': 'must not be blank',
  '^https?://': 'must start with http:// or https://',
};

const count = (n: unknown, one: string, many: string) => `${Number(n).toLocaleString('en')} ${Number(n) === 1 ? one : many}`;

/** The plain message for one validator complaint about a field. */
export function plainMessage(issue: ValidatorIssue, uuidPattern?: string): string {
  const p = issue.params ?? {};
  switch (issue.keyword) {
    case 'format':
      return FORMATS[String(p.format)] ?? `must be a valid ${String(p.format)}`;
    case 'maxLength':
      return `must be at most ${count(p.limit, 'character', 'characters')}`;
    case 'minLength':
      return Number(p.limit) <= 1 ? 'must not be empty' : `must be at least ${count(p.limit, 'character', 'characters')}`;
    case 'maximum':
      return `must be at most ${String(p.limit)}`;
    case 'minimum':
      return `must be at least ${String(p.limit)}`;
    case 'exclusiveMaximum':
      return `must be less than ${String(p.limit)}`;
    case 'exclusiveMinimum':
      return `must be more than ${String(p.limit)}`;
    case 'maxItems':
      return `must have at most ${count(p.limit, 'entry', 'entries')}`;
    case 'minItems':
      return `must have at least ${count(p.limit, 'entry', 'entries')}`;
    case 'maxProperties':
      return `must have at most ${count(p.limit, 'entry', 'entries')}`;
    case 'type':
      return `must be ${typeNoun(String(p.type))}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'enum':
      return `must be one of: ${[p.allowedValues].flat().join(', ')}`;
    case 'required':
      return 'is required';
    case 'pattern':
      if (uuidPattern !== undefined && p.pattern === uuidPattern) return FORMATS.uuid!;
      return PATTERNS[String(p.pattern)] ?? 'is not in the expected form';
    default:
      return 'is not valid';
  }
}

const LABELS: Record<string, string> = {
  teamId: 'Team',
  ownerId: 'Owner',
  userId: 'User',
  roleId: 'Role',
  channelId: 'Channel',
  'customer.email': 'Customer email',
  'customer.name': 'Customer name',
  'customer.phone': 'Customer phone',
  wakeAt: 'Wake time',
  timeZone: 'Time zone',
  querystring: 'Query',
};

/** A field path as a person reads it: `customer.email` → "Customer email", `teamId` → "Team". */
export function fieldLabel(field: string): string {
  const known = LABELS[field];
  if (known) return known;
  const where = field.startsWith('querystring.') ? ' (in the query)' : '';
  const last = field
    .replace(/^querystring\./, '')
    .split('.')
    .map((s) =>
      s
        .replace(/Id$/, '')
        .replace(/([a-z])([A-Z])/g, '$1 $2')
        .toLowerCase(),
    )
    .join(' ');
  return `${last.charAt(0).toUpperCase()}${last.slice(1)}${where}`;
}

/** A problem's `detail` for field errors: "Subject: must be at most 300 characters; Team: is required". */
export function describeFields(fields: readonly FieldError[]): string {
  return fields.map((f) => `${fieldLabel(f.field)}: ${f.message}`).join('; ');
}
