import { Type, type TSchema } from '@fastify/type-provider-typebox';
import {
  CASE_ACTIONS,
  CASE_TYPES,
  FIELD_LIMITS,
  PRIORITIES,
  RESOLUTION_REASONS,
  RESOLUTIONS,
  SLA_KINDS,
  SLA_STATES,
  STATUSES,
  TAG_LIMITS,
} from '@casework/domain';

/** A string enum whose static type is the union of its values. */
export const StringEnum = <const T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

/** The plain UUID form the database reads (the uuid format alone also admits a `urn:uuid:` prefix). */
export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
export const uuid = (description: string) => Type.String({ format: 'uuid', pattern: UUID_PATTERN, description });
export const Id = uuid('An id (UUID)');
export const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) }, { additionalProperties: false });
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
export const CaseTypeSchema = StringEnum(CASE_TYPES);
export const StatusSchema = StringEnum(STATUSES);
export const ResolutionSchema = StringEnum(RESOLUTIONS);
export const PrioritySchema = StringEnum(PRIORITIES, 'low, normal (the default), high or urgent');
/** One tag as given: stored trimmed and lower-case (1–50 characters once trimmed; checked by the domain's readTags). */
export const TagInput = Type.String({ maxLength: 200 });
export const TagList = Type.Array(TagInput, { maxItems: TAG_LIMITS.perCase });
export const DateTime = Type.String({ format: 'date-time' });
export const Text = (max: number, min = 0) => Type.String({ minLength: min, maxLength: max });

/** A custom field's value: text, date (YYYY-MM-DD) and select are strings, a multiselect a list of options. */
export const FieldValueSchema = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Array(Type.String())]);

/** Custom field values given on a case (create, edit): checked against the definitions by the domain. */
export const FieldValuesInput = Type.Record(Type.String({ maxLength: 64 }), Nullable(FieldValueSchema), {
  maxProperties: FIELD_LIMITS.definitions,
  description:
    'Custom field values {key: value or null}; an unknown key, a wrong type or a field of another team is a 400 naming fields.<key>',
});

const CustomerSchema = Type.Object({
  id: Type.String(),
  name: Nullable(Type.String()),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
});

/** A case as every endpoint returns it (SPEC §8 plus names for display). */
export const CaseSchema = Type.Object({
  id: Type.String(),
  reference: Type.String(),
  subject: Type.String(),
  description: Nullable(Type.String()),
  type: CaseTypeSchema,
  status: StatusSchema,
  resolution: Nullable(ResolutionSchema),
  resolutionReason: Nullable(
    StringEnum(
      RESOLUTION_REASONS,
      '`abandoned`: a chat the customer ended before any agent replied (resolution `unresolved`; never counted as solved).',
    ),
  ),
  teamId: Type.String(),
  teamName: Type.String(),
  ownerId: Nullable(Type.String()),
  ownerName: Nullable(Type.String()),
  collaboratorIds: Type.Array(Type.String()),
  customer: Nullable(CustomerSchema),
  followUpOf: Nullable(Type.String()),
  rating: Nullable(Type.Object({ stars: Type.Integer(), note: Nullable(Type.String()) })),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  resolvedAt: Nullable(Type.String()),
  wakeAt: Nullable(Type.String()),
  spamAt: Nullable(
    Type.String({ description: 'When the case was marked as spam (status spam; deleted after the retention period from then), else null' }),
  ),
  priority: PrioritySchema,
  tags: Type.Array(Type.String(), { description: 'Lower-case, sorted' }),
  actions: Type.Array(StringEnum(CASE_ACTIONS)),
  fields: Type.Optional(
    Type.Record(Type.String(), FieldValueSchema, {
      description: 'Custom field values by key (unset fields are absent). Left out by My Work and claim-next, which read no fields.',
    }),
  ),
  satisfaction: Type.Optional(
    Nullable(
      Type.Object(
        { stars: Type.Integer({ minimum: 1, maximum: 5 }), comment: Type.Optional(Type.String()), at: Type.String() },
        {
          description:
            "The customer's satisfaction (SPEC §12): their answer to the survey sent after resolving, or the chat's rating. Left out by My Work and claim-next.",
        },
      ),
    ),
  ),
  sla: Type.Optional(
    Nullable(
      Type.Object(
        {
          policyId: Type.String(),
          targets: Type.Array(
            Type.Object({
              kind: StringEnum(SLA_KINDS),
              minutes: Type.Integer({ description: 'The target, in business minutes' }),
              dueAt: Nullable(Type.String({ description: 'When it is due; null while paused (waiting, finished) or met' })),
              state: StringEnum(SLA_STATES, 'ok; due_soon within the last 20 % of the target; breached'),
              pausedAt: Type.Optional(Type.String({ description: 'Since when its clock stands (the case is waiting or finished)' })),
              metAt: Type.Optional(Type.String()),
              breachedAt: Type.Optional(Type.String()),
            }),
          ),
        },
        {
          description:
            'The SLA policy that applies and each target (SPEC §12); null when no policy applies. Left out by My Work and claim-next.',
        },
      ),
    ),
  ),
  lastMessage: Type.Optional(
    Nullable(
      Type.Object(
        {
          preview: Type.String({ description: 'The first non-blank line of the last public message (notes do not count), cut short' }),
          fromCustomer: Type.Boolean({ description: 'The customer wrote last (the "customer replied" mark)' }),
          authorName: Nullable(Type.String({ description: "The customer's or the agent's name, when known" })),
          at: Type.String(),
        },
        { description: 'The last public message, for cards; null before any. Left out by claim-next.' },
      ),
    ),
  ),
});

/** Where a listed case matched a search: plain text with the matching words as ranges (render them as marks; never as markup). */
export const SearchMatchSchema = Type.Object(
  {
    in: StringEnum(['reference', 'message', 'note', 'subject', 'description', 'customer'] as const),
    snippet: Type.String({ description: 'Plain text around the match (may contain anything the customer wrote: escape it).' }),
    highlights: Type.Array(Type.Object({ start: Type.Integer({ minimum: 0 }), length: Type.Integer({ minimum: 1 }) }), {
      description: 'The matching words: offsets and lengths in UTF-16 code units of snippet.',
    }),
    messageId: Type.Optional(Type.String({ description: 'The matching message or note (in: message or note).' })),
  },
  { description: 'Present when the list was searched (q).' },
);

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

/** Standard error answers for the OpenAPI document: problem+json bodies (common ones are added by answers.ts). */
export const problems = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((c) => [
      c,
      {
        description: 'A problem (RFC 9457)',
        content: { 'application/problem+json': { schema: ProblemSchema } },
      },
    ]),
  );

/** A success answer that is not JSON (a page, a script, a file), by its content type. */
export const Content = (type: string, description: string) => ({ description, content: { [type]: { schema: { type: 'string' } } } });

/** A server-sent events stream (the OpenAPI document names its content type). */
export const EventStream = { description: 'Server-sent events', content: { 'text/event-stream': { schema: { type: 'string' } } } };
