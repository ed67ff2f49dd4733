import { useId, useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../../api/client';
import { keys } from '../../api/queries';
import { Button } from '../../components/button';
import { AuthCard } from './auth-card';
import { accountErrorText } from './error-text';

/** The sign-in's second step: the code from the authenticator app, or a recovery code. */
export function SecondFactorStep({ onSignedIn, onRestart }: { onSignedIn: () => void; onRestart: (why: string) => void }) {
  const [recovery, setRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const client = useQueryClient();
  const codeId = useId();
  const errorId = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!code.trim()) return setError(recovery ? 'Enter one of your recovery codes.' : 'Enter the 6-digit code from your app.');
    setError(null);
    setBusy(true);
    try {
      const me = await api.post<'/auth/login/mfa'>('/auth/login/mfa', { code: code.trim() }, { allowUnauthenticated: true });
      client.setQueryData(keys.me, me);
      onSignedIn();
    } catch (caught) {
      setBusy(false);
      if (caught instanceof ApiError && caught.status === 401 && /expired/.test(caught.detail ?? '')) return onRestart(caught.detail!);
      setError(
        caught instanceof ApiError && caught.status === 401
          ? 'That code is not correct. Try again.'
          : accountErrorText(caught, 'Sign-in failed.'),
      );
      setCode('');
    }
  }

  return (
    <AuthCard title="Two-factor sign-in">
      <p className="login-note">
        {recovery
          ? 'Enter one of the recovery codes you saved. Each works once.'
          : 'Open your authenticator app and enter the code it shows for Casework.'}
      </p>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <div className="field">
          <label htmlFor={codeId}>{recovery ? 'Recovery code' : 'Authentication code'}</label>
          <input
            id={codeId}
            key={recovery ? 'recovery' : 'totp'}
            className="code-input"
            inputMode={recovery ? 'text' : 'numeric'}
            autoComplete="one-time-code"
            maxLength={recovery ? 20 : 6}
            value={code}
            onChange={(event) => setCode(recovery ? event.target.value : event.target.value.replace(/\D/g, ''))}
            // biome-ignore lint/a11y/noAutofocus: the code is the step's only field
            autoFocus
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
          />
        </div>
        <div id={errorId} className="login-error" role="alert" aria-live="assertive">
          {error}
        </div>
        <Button type="submit" variant="primary" busy={busy} className="btn-block">
          Verify
        </Button>
      </form>
      <p className="login-links">
        <button
          type="button"
          className="link-btn"
          onClick={() => {
            setRecovery((r) => !r);
            setCode('');
            setError(null);
          }}
        >
          {recovery ? 'Use the code from my app' : 'Use a recovery code'}
        </button>
      </p>
    </AuthCard>
  );
}
