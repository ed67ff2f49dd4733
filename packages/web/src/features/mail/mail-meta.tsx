import type { Message } from '../../api/types';

const AUTOMATIC: Record<string, string> = {
  auto_replied: 'Automatic reply',
  auto_generated: 'Sent by a system',
  bulk: 'Bulk or list mail',
};

const VERDICT_OK = new Set(['pass']);
const VERDICT_BAD = new Set(['fail', 'softfail', 'permerror']);

/** One SPF/DKIM/DMARC verdict as a small chip: green when it passed, red when it failed, plain otherwise. */
function Verdict({ name, result }: { name: string; result: string }) {
  const tone = VERDICT_OK.has(result) ? ' verdict-pass' : VERDICT_BAD.has(result) ? ' verdict-fail' : '';
  return (
    <span className={`verdict${tone}`}>
      {name} {result}
    </span>
  );
}

/** What an email message says besides its text: copies, who answered when not the customer, automatic mail, and its authentication verdicts. */
export function MailMeta({ message }: { message: Message }) {
  const automatic = message.automatic ? (AUTOMATIC[message.automatic] ?? message.automatic) : null;
  const auth = message.auth;
  if (!message.cc.length && !message.bcc.length && !automatic && !auth) return null;
  return (
    <div className="mail-meta">
      {message.cc.length ? <span>Cc: {message.cc.join(', ')}</span> : null}
      {message.bcc.length ? <span>Bcc: {message.bcc.join(', ')}</span> : null}
      {automatic ? <span className="chip chip-automatic">{automatic}</span> : null}
      {auth ? (
        <span className="mail-auth" title={auth.domain ? `Sender domain ${auth.domain}` : undefined}>
          <Verdict name="SPF" result={auth.spf} />
          <Verdict name="DKIM" result={auth.dkim} />
          <Verdict name="DMARC" result={auth.dmarc} />
        </span>
      ) : null}
    </div>
  );
}
