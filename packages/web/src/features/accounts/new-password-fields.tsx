import { useId } from 'react';
import { LIMITS } from '@casework/domain';

/** A new password typed twice; `mismatch` is what the form shows when they differ. */
export function NewPasswordFields({
  password,
  confirm,
  onPassword,
  onConfirm,
  describedBy,
}: {
  password: string;
  confirm: string;
  onPassword: (v: string) => void;
  onConfirm: (v: string) => void;
  describedBy?: string;
}) {
  const id = useId();
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-new`}>New password</label>
        <input
          id={`${id}-new`}
          type="password"
          autoComplete="new-password"
          minLength={LIMITS.passwordMin}
          maxLength={LIMITS.passwordMax}
          value={password}
          onChange={(event) => onPassword(event.target.value)}
          aria-describedby={`${id}-hint${describedBy ? ` ${describedBy}` : ''}`}
          required
        />
        <p id={`${id}-hint`} className="field-hint">
          At least {LIMITS.passwordMin} characters.
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${id}-again`}>Repeat the new password</label>
        <input
          id={`${id}-again`}
          type="password"
          autoComplete="new-password"
          maxLength={LIMITS.passwordMax}
          value={confirm}
          onChange={(event) => onConfirm(event.target.value)}
          aria-describedby={describedBy}
          required
        />
      </div>
    </>
  );
}

/** The complaint about a new password before asking the server, or null. */
export function newPasswordProblem(password: string, confirm: string): string | null {
  if (password.length < LIMITS.passwordMin) return `Choose a password of at least ${LIMITS.passwordMin} characters.`;
  if (password !== confirm) return 'The two passwords differ.';
  return null;
}
