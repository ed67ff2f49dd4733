/**
 * Names for the API's shapes. Each is the server's own, from the generated OpenAPI types
 * (openapi.ts, `npm run api-types`): nothing here is declared by hand. The vocabulary (statuses,
 * case types, resolutions, actions, section keys) is the domain's, which the document states.
 */
import type { Answer } from './client';

export type { CaseAction, CaseType, SectionKey, Status as CaseStatus } from '@casework/domain';

export type Case = Answer<'/cases/{id}', 'get'>;

export type Me = Answer<'/me', 'get'>;

export type Work = Answer<'/me/work', 'get'>;
export type WorkSection = Work['sections'][number];

/** `total` is exact unless `totalCapped`: then more than `total` cases match (an organisation-wide count stops there). */
export type CaseList = Answer<'/cases', 'get'>;

type MessagePage = Answer<'/cases/{id}/messages', 'get'>;
export type Message = MessagePage['messages'][number];
/** A file that came with a message; `url` is null when it was over the size limit and not kept. */
export type Attachment = NonNullable<Message['attachments']>[number];
/** Where a reply to the customer stands (SPEC §15). */
export type Delivery = NonNullable<Message['delivery']>;

type EventPage = Answer<'/cases/{id}/events', 'get'>;
export type CaseEvent = EventPage['events'][number];

export type User = Answer<'/users', 'get'>['users'][number];
export type Team = Answer<'/teams', 'get'>['teams'][number];
export type Role = Answer<'/roles', 'get'>['roles'][number];
export type Permission = Answer<'/permissions', 'get'>['permissions'][number];
export type ApiToken = Answer<'/tokens', 'get'>['tokens'][number];
export type Organisation = Answer<'/organisation', 'get'>;
