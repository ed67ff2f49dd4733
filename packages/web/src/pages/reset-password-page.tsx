import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client';
import { Button } from '../components/button';
import { AuthCard, tokenFromLocation } from '../features/accounts/auth-card';
import { accountErrorText } from '../features/accounts/error-text';
import { NewPasswordFields, newPasswordProblem } from '../features/accounts/new-password-fields';
import { usePageTitle } from '../lib/use-page-title';

/** Opened from a reset mail: choose a new password (the link's token is in the fragment). */
export function ResetPasswordPage() {
  usePageTitle('Choose a new password');
  const [token] = useState(tokenFromLocation);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const errorId = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problem = newPasswordProblem(password, confirm);
    if (problem) return setError(problem);
    setError(null);
    setBusy(true);
    try {
      await api.post<'/auth/password-reset/confirm'>('/auth/password-reset/confirm', { token, password }, { allowUnauthenticated: true });
      window.history.replaceState(null, '', window.location.pathname);
      setDone(true);
    } catch (caught) {
      setError(accountErrorText(caught, 'The password was not changed. Please try again.'));
    } finally {
      setBusy(false);
    }
  }

  if (!token) {
    return (
      <AuthCard title="This link is incomplete">
        <p className="login-note">Open the whole link from the mail, or ask for a new one.</p>
        <p className="login-links">
          <Link to="/forgot-password">Ask for a new link</Link>
        </p>
      </AuthCard>
    );
  }
  if (done) {
    return (
      <AuthCard title="Password changed">
        <p className="login-note" role="status">
          Your new password is set, and every session of your account has been signed out. Sign in with the new password.
        </p>
        <Link className="btn btn-primary btn-block" to="/login">
          Sign in
        </Link>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Choose a new password">
      <form onSubmit={(event) => void submit(event)} noValidate>
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
          Set new password
        </Button>
      </form>
      <p className="login-links">
        <Link to="/forgot-password">Ask for a new link</Link>
      </p>
    </AuthCard>
  );
}
