import { useEffect, useId, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { LIMITS } from '@casework/domain';
import { api } from '../api/client';
import { keys } from '../api/queries';
import { Button } from '../components/button';
import { LoadingState } from '../components/spinner';
import { AuthCard, tokenFromLocation } from '../features/accounts/auth-card';
import { accountErrorText } from '../features/accounts/error-text';
import { NewPasswordFields, newPasswordProblem } from '../features/accounts/new-password-fields';
import { usePageTitle } from '../lib/use-page-title';

type Preview = { email: string; name: string; organisation: string; signInWith: string | null; passwordAllowed: boolean };

/** Opened from an invitation mail: the invitee sets their name and password and is signed in. */
export function InvitationPage() {
  usePageTitle('Accept your invitation');
  const [token] = useState(tokenFromLocation);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [refused, setRefused] = useState<string | null>(token ? null : 'This link is incomplete. Open the whole link from the mail.');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [ssoBusy, setSsoBusy] = useState(false);
  const navigate = useNavigate();
  const client = useQueryClient();
  const nameId = useId();
  const errorId = useId();

  useEffect(() => {
    if (!token) return;
    api.post<'/invitations/preview'>('/invitations/preview', { token }, { allowUnauthenticated: true }).then(
      (p) => {
        setPreview(p);
        setName(p.name);
      },
      (caught: unknown) => setRefused(accountErrorText(caught, 'This invitation cannot be used.')),
    );
  }, [token]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problem = !name.trim() ? 'Enter your name.' : newPasswordProblem(password, confirm);
    if (problem) return setError(problem);
    setError(null);
    setBusy(true);
    try {
      const me = await api.post<'/invitations/accept'>(
        '/invitations/accept',
        { token, name: name.trim(), password },
        { allowUnauthenticated: true },
      );
      client.clear();
      client.setQueryData(keys.me, me);
      window.history.replaceState(null, '', window.location.pathname);
      navigate('/', { replace: true });
    } catch (caught) {
      setError(accountErrorText(caught, 'The invitation was not accepted. Please try again.'));
      setBusy(false);
    }
  }

  if (refused) {
    return (
      <AuthCard title="This invitation cannot be used">
        <p className="login-note" role="alert">
          {refused}
        </p>
        <p className="login-note">Ask the administrator who invited you to send the invitation again.</p>
        <p className="login-links">
          <Link to="/login">Go to sign in</Link>
        </p>
      </AuthCard>
    );
  }
  if (!preview) return <LoadingState label="Checking your invitation…" />;

  async function acceptWithSso() {
    setError(null);
    setSsoBusy(true);
    try {
      const start = await api.post<'/auth/oidc/start'>('/auth/oidc/start', { invitation: token }, { allowUnauthenticated: true });
      window.location.assign(start.location);
    } catch (caught) {
      setError(accountErrorText(caught, 'Single sign-on could not start. Please try again.'));
      setSsoBusy(false);
    }
  }

  return (
    <AuthCard title={`Join ${preview.organisation}`}>
      <p className="login-note">
        You were invited as <strong>{preview.email}</strong>.{' '}
        {preview.passwordAllowed
          ? 'Choose the name your colleagues see and a password.'
          : `Your organisation signs in with ${preview.signInWith}: sign in there with this address to accept.`}
      </p>
      {preview.signInWith ? (
        <>
          <Button
            variant={preview.passwordAllowed ? 'secondary' : 'primary'}
            className="btn-block"
            busy={ssoBusy}
            onClick={() => void acceptWithSso()}
          >
            Accept with {preview.signInWith}
          </Button>
          {preview.passwordAllowed ? (
            <p className="login-divider">
              <span>or choose a password</span>
            </p>
          ) : (
            <div className="login-error" role="alert" aria-live="assertive">
              {error}
            </div>
          )}
        </>
      ) : null}
      {preview.passwordAllowed ? (
        <form onSubmit={(event) => void submit(event)} noValidate>
          <div className="field">
            <label htmlFor={nameId}>Your name</label>
            <input
              id={nameId}
              autoComplete="name"
              maxLength={LIMITS.name}
              value={name}
              onChange={(event) => setName(event.target.value)}
              required
            />
          </div>
          <NewPasswordFields
            password={password}
            confirm={confirm}
            onPassword={setPassword}
            onConfirm={setConfirm}
            describedBy={error ? errorId : undefined}
          />
          <div id={errorId} className="login-error" role="alert" aria-live="assertive">
            {error}
          </div>
          <Button type="submit" variant="primary" busy={busy} className="btn-block">
            Create my account
          </Button>
        </form>
      ) : null}
    </AuthCard>
  );
}
