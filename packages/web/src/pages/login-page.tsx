import { useId, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../api/client';
import { keys } from '../api/queries';
import { Button } from '../components/button';
import { usePageTitle } from '../lib/use-page-title';
import { safeReturnPath as safeNext } from '@casework/domain';
import { SecondFactorStep } from '../features/accounts/second-factor-step';
import { SsoButton, ssoRefusalText, useSignInMethods } from '../features/accounts/sso';

function loginErrorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return 'The email or password is incorrect.';
    if (error.status === 429) {
      const wait = error.retryAfter ? ` in ${error.retryAfter} second${error.retryAfter === 1 ? '' : 's'}` : ' in a minute';
      return `Too many sign-in attempts. Please try again${wait}.`;
    }
    if (error.status === 400) return 'Enter your email address and password.';
    if (error.status === 403) return error.detail ?? 'Password sign-in is not available for your account.';
    if (error.status === 0) return 'Cannot reach the server. Check your connection and try again.';
    return error.detail ?? error.title;
  }
  return 'Sign-in failed. Please try again.';
}

export function LoginPage() {
  usePageTitle('Sign in');
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(() => ssoRefusalText(params.get('sso')));
  const [busy, setBusy] = useState(false);
  const methods = useSignInMethods().data;
  const emailId = useId();
  const passwordId = useId();
  const errorId = useId();
  const expired = params.has('next') && !params.has('step');
  // After single sign-on, a user with a second factor lands here for the code.
  const [step, setStep] = useState<'password' | 'code'>(params.get('step') === 'code' ? 'code' : 'password');
  if (step === 'code') {
    return (
      <SecondFactorStep
        onSignedIn={() => navigate(safeNext(params.get('next')), { replace: true })}
        onRestart={(why) => {
          setStep('password');
          setError(why);
        }}
      />
    );
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (!email.trim() || !password) {
      setError('Enter your email address and password.');
      return;
    }
    setBusy(true);
    try {
      const me = await api.post<'/auth/login'>('/auth/login', { email: email.trim(), password }, { allowUnauthenticated: true });
      client.clear();
      if (me && typeof me === 'object' && 'mfaRequired' in me) {
        setPassword('');
        setBusy(false);
        setStep('code');
        return;
      }
      if (me && typeof me === 'object' && 'permissions' in me) client.setQueryData(keys.me, me);
      navigate(safeNext(params.get('next')), { replace: true });
    } catch (caught) {
      setError(loginErrorText(caught));
      setBusy(false);
    }
  }

  return (
    <main className="login" id="main">
      <div className="login-card">
        <div className="login-brand">
          <svg viewBox="0 0 32 32" width="36" height="36" aria-hidden="true">
            <rect width="32" height="32" rx="8" fill="var(--accent)" />
            <path d="M9 11h14v3H9zm0 6h10v3H9z" fill="#fff" />
          </svg>
          <span>Casework</span>
        </div>
        <h1>Sign in</h1>
        {expired && !error ? <p className="login-note">Please sign in to continue where you left off.</p> : null}
        {methods?.sso ? (
          <>
            <SsoButton label={methods.sso.label} next={safeNext(params.get('next'))} />
            <p className="login-divider">
              <span>{methods.passwordLogin === 'admins' ? 'or, for administrators' : 'or'}</span>
            </p>
          </>
        ) : null}
        <form onSubmit={(event) => void submit(event)} noValidate>
          <div className="field">
            <label htmlFor={emailId}>Email</label>
            <input
              id={emailId}
              type="email"
              autoComplete="username"
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              required
              // biome-ignore lint/a11y/noAutofocus: signing in is the page's only task, and the email field comes first
              autoFocus
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? errorId : undefined}
            />
          </div>
          <div className="field">
            <div className="label-row">
              <label htmlFor={passwordId}>Password</label>
              <Link to="/forgot-password" className="label-link">
                Forgot password?
              </Link>
            </div>
            <input
              id={passwordId}
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              required
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? errorId : undefined}
            />
          </div>
          <div id={errorId} className="login-error" role="alert" aria-live="assertive">
            {error}
          </div>
          <Button type="submit" variant="primary" busy={busy} className="btn-block">
            Sign in
          </Button>
        </form>
      </div>
    </main>
  );
}
