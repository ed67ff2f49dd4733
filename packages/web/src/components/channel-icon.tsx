import type { ReactNode } from 'react';
import type { CaseType } from '../api/types';
import { TYPE_LABEL } from '@casework/domain';

const PATHS: Record<CaseType, ReactNode> = {
  web_connect: (
    <>
      <path d="M3 5.5A2.5 2.5 0 0 1 5.5 3h9A2.5 2.5 0 0 1 17 5.5v6a2.5 2.5 0 0 1-2.5 2.5H9l-4 3v-3h.5A2.5 2.5 0 0 1 3 11.5z" />
      <path d="M7 8.5h.01M10 8.5h.01M13 8.5h.01" strokeWidth="2.2" />
    </>
  ),
  support_sdk: (
    <>
      <rect x="5.5" y="2.5" width="9" height="15" rx="2" />
      <path d="M8.5 14.5h3" />
      <path d="M8 7.5l-1.5 1.5L8 10.5M12 7.5l1.5 1.5-1.5 1.5" />
    </>
  ),
  phone: <path d="M4 3.5h3l1.5 4-2 1.2a9 9 0 0 0 4.8 4.8l1.2-2 4 1.5v3a1.5 1.5 0 0 1-1.6 1.5A14 14 0 0 1 2.5 5.1 1.5 1.5 0 0 1 4 3.5z" />,
  email: (
    <>
      <rect x="2.5" y="4.5" width="15" height="11" rx="2" />
      <path d="M3 5.5l7 5.5 7-5.5" />
    </>
  ),
  sms: (
    <>
      <path d="M4 4h12a1.5 1.5 0 0 1 1.5 1.5v7A1.5 1.5 0 0 1 16 14h-6l-4 3v-3H4a1.5 1.5 0 0 1-1.5-1.5v-7A1.5 1.5 0 0 1 4 4z" />
      <path d="M6 8h8M6 10.5h5" />
    </>
  ),
  platform: (
    <>
      <path d="M7 6l-4 4 4 4M13 6l4 4-4 4" />
      <path d="M11 4.5l-2 11" />
    </>
  ),
};

/** A small line icon for the channel a case came from, with its name for assistive tech. */
export function ChannelIcon({ type, withLabel = false }: { type: CaseType; withLabel?: boolean }) {
  const label = TYPE_LABEL[type] ?? type;
  return (
    <span className={`channel channel-${type}`} title={label}>
      <svg
        viewBox="0 0 20 20"
        width="16"
        height="16"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.6"
        strokeLinecap="round"
        strokeLinejoin="round"
        role="img"
        aria-label={withLabel ? undefined : label}
        aria-hidden={withLabel ? true : undefined}
      >
        {PATHS[type] ?? PATHS.platform}
      </svg>
      {withLabel ? <span>{label}</span> : null}
    </span>
  );
}
