import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { describeError } from '../api/client';

type Tone = 'info' | 'success' | 'error';
/** `link`: a place in the app the notice is about ("Open case"). */
type ToastLink = { to: string; label: string };
type Toast = { id: number; tone: Tone; title: string; detail?: string; link?: ToastLink };

type ToastApi = {
  show: (tone: Tone, title: string, detail?: string, link?: ToastLink) => void;
  success: (title: string, detail?: string) => void;
  error: (error: unknown) => void;
};

const ToastContext = createContext<ToastApi | null>(null);

/** Transient notices in a polite live region (errors use an assertive one). */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((toast) => toast.id !== id)), []);

  const show = useCallback(
    (tone: Tone, title: string, detail?: string, link?: ToastLink) => {
      const id = nextId.current++;
      setToasts((all) => [...all.slice(-3), { id, tone, title, detail, link }]);
      window.setTimeout(() => dismiss(id), link ? 15000 : tone === 'error' ? 9000 : 5000);
    },
    [dismiss],
  );

  const api = useMemo<ToastApi>(
    () => ({
      show,
      success: (title, detail) => show('success', title, detail),
      error: (error) => {
        const { title, detail } = describeError(error);
        show('error', title, detail);
      },
    }),
    [show],
  );

  const render = (list: Toast[]) =>
    list.map((toast) => (
      <div key={toast.id} className={`toast toast-${toast.tone}`}>
        <div className="toast-text">
          <strong>{toast.title}</strong>
          {toast.detail ? <span>{toast.detail}</span> : null}
          {toast.link ? (
            <Link to={toast.link.to} className="toast-link" onClick={() => dismiss(toast.id)}>
              {toast.link.label}
            </Link>
          ) : null}
        </div>
        <button type="button" className="icon-btn" aria-label="Dismiss notification" onClick={() => dismiss(toast.id)}>
          <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">
            <path d="M5 5l10 10M15 5L5 15" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
          </svg>
        </button>
      </div>
    ));

  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toasts">
        <div aria-live="polite" role="status" className="toast-region">
          {render(toasts.filter((toast) => toast.tone !== 'error'))}
        </div>
        <div aria-live="assertive" role="alert" className="toast-region">
          {render(toasts.filter((toast) => toast.tone === 'error'))}
        </div>
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): ToastApi {
  const value = useContext(ToastContext);
  if (!value) throw new Error('useToast outside ToastProvider');
  return value;
}
