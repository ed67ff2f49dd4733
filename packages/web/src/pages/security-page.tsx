import { useId, useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { keys } from '../api/queries';
import { Button } from '../components/button';
import { ErrorState } from '../components/empty-state';
import { LoadingState } from '../components/spinner';
import { useToast } from '../components/toast';
import { TwoFactorSetup } from '../features/accounts/two-factor-setup';
import { accountErrorText } from '../features/accounts/error-text';
import { usePageTitle } from '../lib/use-page-title';

const statusKey = ['me', '2fa'] as const;

/** The signed-in user's security settings: two-factor sign-in on or off, recovery codes left. */
export function SecurityPage() {
  usePageTitle('Security');
  const status = useQuery({ queryKey: statusKey, queryFn: () => api.get<'/me/2fa'>('/me/2fa') });
  const client = useQueryClient();
  const [enrolling, setEnrolling] = useState(false);
  const refresh = () => Promise.all([client.invalidateQueries({ queryKey: statusKey }), client.invalidateQueries({ queryKey: keys.me })]);

  return (
    <div className="page page-narrow">
      <h1>Security</h1>
      <section className="panel security-panel" aria-labelledby="twofa-title">
        <div className="security-head">
          <h2 id="twofa-title">Two-factor sign-in</h2>
          {status.data && !enrolling ? (
            <span className={`chip ${status.data.enabled ? 'chip-ready' : 'chip-closed'}`}>{status.data.enabled ? 'On' : 'Off'}</span>
          ) : null}
        </div>
        {status.isPending ? <LoadingState label="Loading…" /> : null}
        {status.isError ? <ErrorState error={status.error} onRetry={() => void status.refetch()} /> : null}
        {status.data && !status.data.enabled && !enrolling ? (
          <>
            <p>
              After your password, Casework asks for a code from an authenticator app on your phone, so a stolen password alone is not
              enough.
            </p>
            {status.data.required ? <p className="muted">Your organisation requires it.</p> : null}
            <Button variant="primary" onClick={() => setEnrolling(true)}>
              Set up two-factor sign-in
            </Button>
          </>
        ) : null}
        {enrolling ? (
          <TwoFactorSetup
            onDone={() => {
              setEnrolling(false);
              void refresh();
            }}
          />
        ) : null}
        {status.data?.enabled && !enrolling ? (
          <>
            <p>
              Signing in asks for a code from your authenticator app. You have <strong>{status.data.recoveryCodesLeft}</strong> unused
              recovery code{status.data.recoveryCodesLeft === 1 ? '' : 's'} left.
            </p>
            {status.data.required ? (
              <p className="muted">
                Your organisation requires two-factor sign-in, so it cannot be turned off. An administrator can reset it if you lose your
                phone.
              </p>
            ) : (
              <TurnOff onDone={() => void refresh()} />
            )}
          </>
        ) : null}
      </section>
    </div>
  );
}

function TurnOff({ onDone }: { onDone: () => void }) {
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toast = useToast();
  const id = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.delete<'/me/2fa'>('/me/2fa', { password });
      toast.success('Two-factor sign-in is off');
      onDone();
    } catch (caught) {
      setError(accountErrorText(caught, 'It could not be turned off.'));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="security-off" onSubmit={(event) => void submit(event)} noValidate>
      <div className="field">
        <label htmlFor={id}>Your password, to turn it off</label>
        <input
          id={id}
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
      </div>
      <div className="login-error" role="alert">
        {error}
      </div>
      <Button type="submit" variant="danger" busy={busy} disabled={!password}>
        Turn off two-factor sign-in
      </Button>
    </form>
  );
}
