import { MENTION } from '@casework/domain';
import { useUsers } from '../../api/queries';

/**
 * A note's text with its @mentions highlighted (stored as `@` and the email address, SPEC §11):
 * the user's name is shown, the address is in the title. React escapes every part.
 */
export function MentionText({ body }: { body: string }) {
  const users = useUsers().data;
  const parts: (string | { email: string; at: number })[] = [];
  let last = 0;
  for (const m of body.matchAll(new RegExp(MENTION.source, 'g'))) {
    const start = m.index + m[1]!.length;
    parts.push(body.slice(last, start));
    parts.push({ email: m[2]!.replace(/\.+$/, ''), at: start });
    last = start + 1 + m[2]!.replace(/\.+$/, '').length;
  }
  parts.push(body.slice(last));
  return (
    <>
      {parts.map((p) => {
        if (typeof p === 'string') return p;
        const user = users?.find((u) => u.email.toLowerCase() === p.email.toLowerCase());
        return (
          <mark key={p.at} className="mention" title={p.email}>
            @{user?.name ?? p.email}
          </mark>
        );
      })}
    </>
  );
}
