import { Type } from '@fastify/type-provider-typebox';
import { LIMITS } from '@casework/domain';

/** A display name: 1..max characters with at least one that is not a space (it is stored trimmed). */
export const Name = (max: number = LIMITS.name) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S' });

/** An IANA zone name as typed; the handlers check it and store the canonical spelling. */
export const ZoneInput = Type.String({ minLength: 1, maxLength: 64, description: 'An IANA time zone, e.g. Europe/Berlin' });
