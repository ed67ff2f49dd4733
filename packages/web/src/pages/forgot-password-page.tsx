import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client';
import { Button } from '../components/button';
import { AuthCard } from '../features/accounts/auth-card';
import { accountErrorText } from '../features/accounts/error-text';
import { usePageTitle } from '../lib/use-page-title';

/** Asks for a password reset link. The answer is the same whether or not the address has an account. */
export function ForgotPasswordPage() {
  usePageTitle('Reset your password');
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const emailId = useId();
  const errorId = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (!email.trim()) return setError('Enter the email address of your account.');
    setBusy(true);
    try {
      await api.post<'/auth/password-reset'>('/auth/password-reset', { email: email.trim() }, { allowUnauthenticated: true });
      setSent(true);
    } catch (caught) {
      setError(accountErrorText(caught, 'The request failed. Please try again.'));
    } finally {
      setBusy(false);
    }
  }

  if (sent) {
    return (
      <AuthCard title="Check your email">
        <p className="login-note" role="status">
          If <strong>{email.trim()}</strong> belongs to an account, a link to choose a new password is on its way. It works once and expires
          in one hour.
        </p>
        <p className="login-links">
          <Link to="/login">Back to sign in</Link>
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Reset your password">
      <p className="login-note">Enter the email address of your account and we will send you a link to choose a new password.</p>
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
            // biome-ignore lint/a11y/noAutofocus: the address is the page's only field
            autoFocus
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
          />
        </div>
        <div id={errorId} className="login-error" role="alert" aria-live="assertive">
          {error}
        </div>
        <Button type="submit" variant="primary" busy={busy} className="btn-block">
          Send reset link
        </Button>
      </form>
      <p className="login-links">
        <Link to="/login">Back to sign in</Link>
      </p>
    </AuthCard>
  );
}
