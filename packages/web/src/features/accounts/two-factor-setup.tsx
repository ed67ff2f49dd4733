import { useEffect, useId, useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api/client';
import { Button } from '../../components/button';
import { LoadingState } from '../../components/spinner';
import { accountErrorText } from './error-text';

type Setup = { secret: string; otpauthUrl: string; qrCode: string };

/**
 * Sets up an authenticator app: scan the QR code (or type the key), confirm with a code, then
 * keep the ten recovery codes, shown only this once. `onDone` runs after they were acknowledged.
 */
export function TwoFactorSetup({ onDone }: { onDone: () => void }) {
  const [setup, setSetup] = useState<Setup | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [codes, setCodes] = useState<string[] | null>(null);
  const codeId = useId();
  const errorId = useId();

  useEffect(() => {
    api
      .post<'/me/2fa/setup'>('/me/2fa/setup')
      .then(setSetup, (caught: unknown) => setFailed(accountErrorText(caught, 'Two-factor sign-in could not be set up.')));
  }, []);

  async function confirm(event: FormEvent) {
    event.preventDefault();
    if (!/^\d{6}$/.test(code.trim())) return setError('Enter the 6-digit code your app shows.');
    setError(null);
    setBusy(true);
    try {
      setCodes((await api.post<'/me/2fa/confirm'>('/me/2fa/confirm', { code: code.trim() })).recoveryCodes);
    } catch (caught) {
      setError(
        caught instanceof ApiError && caught.status === 400
          ? 'That code is not correct. Try the code your app shows now.'
          : accountErrorText(caught, 'The code could not be checked.'),
      );
    } finally {
      setBusy(false);
    }
  }

  if (failed)
    return (
      <p className="login-error" role="alert">
        {failed}
      </p>
    );
  if (codes) {
    return (
      <div className="twofa-codes">
        <p className="twofa-done" role="status">
          Two-factor sign-in is on.
        </p>
        <p>Keep these recovery codes somewhere safe. Each signs you in once if you lose your phone. They are shown only now.</p>
        <ul className="recovery-codes" aria-label="Recovery codes">
          {codes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ul>
        <Button variant="primary" className="btn-block" onClick={onDone}>
          I have saved my recovery codes
        </Button>
      </div>
    );
  }
  if (!setup) return <LoadingState label="Preparing your set-up…" />;
  return (
    <div className="twofa-setup">
      <ol className="twofa-steps">
        <li>
          <p>Scan this QR code with an authenticator app (Google Authenticator, 1Password, Microsoft Authenticator…).</p>
          <img className="twofa-qr" src={setup.qrCode} width={180} height={180} alt="QR code to add Casework to your authenticator app" />
          <p className="muted">
            Cannot scan it? Enter this key instead: <code className="twofa-key">{setup.secret.replace(/(.{4})/g, '$1 ').trim()}</code>
          </p>
        </li>
        <li>
          <form onSubmit={(event) => void confirm(event)} noValidate>
            <div className="field">
              <label htmlFor={codeId}>Enter the 6-digit code from the app</label>
              <input
                id={codeId}
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                value={code}
                onChange={(event) => setCode(event.target.value.replace(/\D/g, ''))}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? errorId : undefined}
                className="code-input"
              />
            </div>
            <div id={errorId} className="login-error" role="alert" aria-live="assertive">
              {error}
            </div>
            <Button type="submit" variant="primary" busy={busy} className="btn-block">
              Turn on two-factor sign-in
            </Button>
          </form>
        </li>
      </ol>
    </div>
  );
}
