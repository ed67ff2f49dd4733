import type { ReactNode } from 'react';

/** The centred card of the pages used before signing in (sign in, second factor, reset, invitation). */
export function AuthCard({ title, children, wide = false }: { title: string; children: ReactNode; wide?: boolean }) {
  return (
    <main className="login" id="main">
      <div className={wide ? 'login-card login-card-wide' : 'login-card'}>
        <div className="login-brand">
          <svg viewBox="0 0 32 32" width="36" height="36" aria-hidden="true">
            <rect width="32" height="32" rx="8" fill="var(--accent)" />
            <path d="M9 11h14v3H9zm0 6h10v3H9z" fill="#fff" />
          </svg>
          <span>Casework</span>
        </div>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}

/** The token of a mailed link: it travels in the URL fragment (`#token=…`), never to a server log. */
export function tokenFromLocation(): string {
  return new URLSearchParams(window.location.hash.replace(/^#/, '')).get('token') ?? '';
}
