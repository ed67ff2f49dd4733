import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

/**
 * A stored phone number (E.164, `+4915153849386`) as people read it: in international grouping
 * (`+49 1515 3849386`). A number the metadata does not know is shown as stored.
 */
export function formatPhone(phone: string): string {
  const parsed = parsePhoneNumberFromString(phone);
  return parsed?.isPossible() ? parsed.formatInternational() : phone;
}

/** A `tel:` address for a stored number: its E.164 form, or its digits (and a leading +) when it does not parse. */
function phoneHref(phone: string): string {
  const parsed = parsePhoneNumberFromString(phone);
  return `tel:${parsed ? parsed.number : phone.replace(/[^\d+]/g, '')}`;
}

/** A phone number shown formatted, as a link that calls it. */
export function PhoneLink({ phone }: { phone: string }) {
  return (
    <a href={phoneHref(phone)} className="phone-link">
      {formatPhone(phone)}
    </a>
  );
}
