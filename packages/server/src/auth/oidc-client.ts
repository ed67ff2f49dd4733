import * as oidc from 'openid-client';
import { outboundRequest } from '../channels/outbound/outbound-http.ts';
import { TargetNotAllowed } from '../channels/outbound/target-guard.ts';

/**
 * The OpenID Connect client (SPEC §14), through `openid-client`: issuer discovery, the
 * authorisation URL with PKCE, state and nonce, and the code exchange, which checks the ID token's
 * signature (against the issuer's published keys: `enableNonRepudiationChecks`, even over TLS),
 * issuer, audience, nonce and expiry. Every request it makes goes through the outbound target guard
 * (CASEWORK_OUTBOUND_ALLOW, pinned to the checked address, no redirects followed), like webhooks.
 */

export type ProviderSettings = { issuer: string; clientId: string; clientSecret: string };

const TIMEOUT_MS = 10_000;
/** Discovery documents, key sets and token answers are small; a larger answer is cut and fails to parse. */
const MAX_BYTES = 512 * 1024;

/** Plain HTTP is accepted only for an issuer on this machine (development, tests); anywhere else it must be HTTPS. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

function guardedFetch(allow: readonly string[]): oidc.CustomFetch {
  return async (url, options) => {
    const headers: Record<string, string> = {};
    new Headers(options.headers as HeadersInit).forEach((v, k) => {
      headers[k] = v;
    });
    const body = options.body === undefined || options.body === null ? undefined : String(options.body);
    const res = await outboundRequest(url, {
      method: options.method ?? 'GET',
      headers,
      body,
      timeoutMs: TIMEOUT_MS,
      allow,
      maxBytes: MAX_BYTES,
    });
    const empty = res.status === 204 || res.status === 304;
    return new Response(empty ? null : res.text, { status: res.status, headers: res.headers });
  };
}

/** Reads the provider's discovery document and returns the client's configuration (throws when it cannot). */
export async function discoverProvider(settings: ProviderSettings, allow: readonly string[]): Promise<oidc.Configuration> {
  const issuer = new URL(settings.issuer);
  const insecure = issuer.protocol === 'http:' && isLoopbackHost(issuer.hostname);
  const fetch = guardedFetch(allow);
  const prepare = (config: oidc.Configuration) => {
    config[oidc.customFetch] = fetch;
    config.timeout = TIMEOUT_MS / 1000;
    oidc.enableNonRepudiationChecks(config);
    if (insecure) oidc.allowInsecureRequests(config);
  };
  const discovered = await oidc.discovery(issuer, settings.clientId, settings.clientSecret, undefined, {
    [oidc.customFetch]: fetch,
    timeout: TIMEOUT_MS / 1000,
    // openid-client looks for allowInsecureRequests itself to allow the discovery request.
    execute: insecure ? [oidc.allowInsecureRequests, prepare] : [prepare],
  });
  // Client authentication: HTTP Basic, OpenID Connect's default, unless the provider offers only the form post.
  const methods = discovered.serverMetadata().token_endpoint_auth_methods_supported;
  const auth =
    methods && !methods.includes('client_secret_basic') && methods.includes('client_secret_post')
      ? oidc.ClientSecretPost(settings.clientSecret)
      : oidc.ClientSecretBasic(settings.clientSecret);
  const config = new oidc.Configuration(discovered.serverMetadata(), settings.clientId, settings.clientSecret, auth);
  prepare(config);
  return config;
}

export type AuthorisationRequest = { url: URL; state: string; nonce: string; codeVerifier: string };

/** Where to send the browser: the provider's authorisation endpoint with a fresh state, nonce and PKCE challenge (S256). */
export async function authorisationRequest(
  config: oidc.Configuration,
  redirectUri: string,
  scopes: string[],
): Promise<AuthorisationRequest> {
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: scopes.join(' '),
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { url, state, nonce, codeVerifier };
}

export type VerifiedIdentity = { subject: string; email: string | null; emailVerified: unknown; name: string | null; amr: unknown };

/**
 * Exchanges the code from the callback URL and returns who the provider vouches for. Throws when
 * the state, the ID token (signature, issuer, audience, nonce, expiry) or the exchange fails. The
 * email and its verification come from the ID token, else from the userinfo endpoint (for the same subject).
 */
export async function exchangeCode(
  config: oidc.Configuration,
  callbackUrl: URL,
  checks: { state: string; nonce: string; codeVerifier: string },
): Promise<VerifiedIdentity> {
  const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: checks.codeVerifier,
    expectedState: checks.state,
    expectedNonce: checks.nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  if (!claims) throw new Error('the provider sent no ID token');
  let source: Record<string, unknown> = claims;
  if (claims.email === undefined && config.serverMetadata().userinfo_endpoint) {
    source = { ...(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)), ...claims };
  }
  return {
    subject: claims.sub,
    email: typeof source.email === 'string' ? source.email : null,
    emailVerified: source.email_verified,
    name: typeof source.name === 'string' ? source.name : null,
    amr: claims.amr,
  };
}

/** A short, secret-free explanation of why talking to the provider failed (for the audit and the admin). */
export function providerFailure(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth++) {
    if (e instanceof TargetNotAllowed) return 'the address is not allowed as an outbound target (CASEWORK_OUTBOUND_ALLOW)';
    const { message, cause } = e as { message?: string; cause?: unknown };
    const claim = cause && typeof cause === 'object' && 'claim' in cause ? ` (${String((cause as { claim: unknown }).claim)})` : '';
    if (message) parts.push(`${message}${claim}`);
    e = cause instanceof Error ? cause : undefined;
  }
  return (parts.join(': ') || String(err)).slice(0, 300);
}
