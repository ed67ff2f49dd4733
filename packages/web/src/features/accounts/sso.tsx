import type { SsoRefusal } from '@casework/domain';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';

/** Why a sign-in through the organisation's provider was refused, in words for the person signing in. */
const SSO_REFUSAL_TEXT = {
  sso_off: 'Single sign-on is not turned on. Sign in with your email and password.',
  state_missing: 'That sign-in took too long or was already used. Please start again.',
  state_mismatch: 'That sign-in could not be matched to this browser, so you were not signed in. Please start again.',
  provider_error: 'The sign-in provider could not be reached or did not complete the sign-in. Try again, or ask your administrator.',
  token_invalid:
    "The sign-in provider's answer could not be verified, so you were not signed in. Ask your administrator to check the single sign-on settings.",
  email_missing: 'The sign-in provider did not tell us your email address, so we cannot find your account.',
  email_unverified:
    'Your email address is not verified at the sign-in provider, so we cannot match it to an account. Verify it there, then try again.',
  unknown_user: 'There is no account for your email address here. Ask an administrator to invite you.',
  user_inactive: 'Your account is deactivated. Ask an administrator if you need access again.',
  invitation_invalid: 'This invitation can no longer be used. Ask the administrator who invited you to send it again.',
  invitation_email_mismatch:
    'You signed in at the provider with a different email address from the one this invitation was sent to. Sign in there with the invited address.',
  default_role_missing: 'Your account could not be created because its role no longer exists. Ask an administrator.',
} satisfies Record<SsoRefusal, string>;

export function ssoRefusalText(reason: string | null): string | null {
  if (!reason) return null;
  return (SSO_REFUSAL_TEXT as Record<string, string>)[reason] ?? 'Single sign-on did not complete. Please try again.';
}

/** How one may sign in here (public): the single sign-on button, if on, and who may use a password. */
export function useSignInMethods() {
  return useQuery({
    queryKey: ['auth-methods'],
    queryFn: () => api.get<'/auth/methods'>('/auth/methods', { allowUnauthenticated: true }),
    staleTime: 60_000,
  });
}

/** "Sign in with <label>": a plain link, as the browser itself must go to the provider and back. */
export function SsoButton({ label, next }: { label: string; next?: string }) {
  const href = `/api/v1/auth/oidc/start${next && next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`;
  return (
    <a className="btn btn-secondary btn-block sso-button" href={href}>
      <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
        <path
          d="M10 2a4 4 0 0 0-4 4v2H5a1 1 0 0 0-1 1v8a1 1 0 0 0 1 1h10a1 1 0 0 0 1-1V9a1 1 0 0 0-1-1h-1V6a4 4 0 0 0-4-4Zm-2 6V6a2 2 0 1 1 4 0v2H8Z"
          fill="currentColor"
        />
      </svg>
      Sign in with {label}
    </a>
  );
}
