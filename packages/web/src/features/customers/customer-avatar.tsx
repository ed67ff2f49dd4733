import { initials } from './customers-api';

/** A customer's avatar: their initials, or a person's outline when no letter names them (a phone number only). */
export function CustomerAvatar({ customer, large = false }: { customer: { name: string | null; email: string | null }; large?: boolean }) {
  const letters = initials(customer);
  return (
    <span className={large ? 'avatar avatar-lg' : 'avatar'} aria-hidden="true">
      {letters || (
        <svg
          className="avatar-person"
          aria-hidden="true"
          viewBox="0 0 20 20"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.6"
          strokeLinecap="round"
          strokeLinejoin="round"
        >
          <circle cx="10" cy="7" r="3.25" />
          <path d="M3.75 17a6.25 6.25 0 0 1 12.5 0" />
        </svg>
      )}
    </span>
  );
}
