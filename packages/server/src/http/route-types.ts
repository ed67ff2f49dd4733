import type { FastifyInstance, FastifyBaseLogger, RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { CaseAction, Permission } from '@casework/domain';
import type { Deps } from '../deps.ts';

/**
 * What a route requires. `public`: nobody signed in; `authenticated`: any user; a permission
 * name: the role must grant it; `case:<action>`: checked per case by actionsFor (404 for
 * invisible cases, 403 naming the action otherwise).
 */
type RoutePermission = 'public' | 'authenticated' | Permission | `case:${CaseAction}` | `any:${string}`;

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: RoutePermission;
    /**
     * The route serves a channel's integration, so a channel-scoped API token may call it.
     * Scoped tokens are refused (403) by every route that does not say so.
     */
    channelToken?: boolean;
    /** `strip`: an inbound channel route whose use case strips NUL and invalid UTF-8 (else refused with 400). */
    textInput?: 'strip';
    /** Other sites may embed it (frame it): no `frame-ancestors 'none'` (http/security-headers.ts). */
    embeddable?: boolean;
    /** The route reads its own bearer token (/metrics): the Authorization header is not an API token there. */
    metricsToken?: boolean;
    /**
     * A session whose user must set up a second factor (the organisation requires it, they have
     * none) may call only routes marked so: their own account and the enrolment (auth-hook.ts).
     */
    enrolment?: boolean;
    /**
     * The route also takes multipart/form-data (files): from a browser only same-origin (auth-hook.ts).
     * `any-site`: from any site, for a public route whose credential is no cookie (the chat's own
     * token), which a form on another site cannot carry.
     */
    multipart?: boolean | 'any-site';
  }
}

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;
export type RouteModule = (app: App, deps: Deps) => void | Promise<void>;
