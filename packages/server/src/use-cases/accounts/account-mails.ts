import type { Config } from '../../config.ts';
import type { AccountMail } from '../../channels/email/send-account-mail.ts';

/**
 * The web address links in account mails point at: `CASEWORK_PUBLIC_URL`, else the address the
 * server listens on. Never the request's Host header, which a stranger asking for a reset of
 * someone else's password could set to their own site.
 */
export function appBase(config: Pick<Config, 'publicUrl' | 'host' | 'port'>): string {
  if (config.publicUrl) return config.publicUrl.replace(/\/+$/, '');
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${config.port}`;
}

/** A link to a page of the app carrying a token in its fragment (never sent to a server, never in logs). */
export const tokenLink = (config: Pick<Config, 'publicUrl' | 'host' | 'port'>, page: string, token: string) =>
  `${appBase(config)}${page}#token=${encodeURIComponent(token)}`;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A short mail: a greeting, paragraphs, one button-like link, a closing note; text and HTML say the same. */
function compose(
  to: string,
  subject: string,
  parts: { greeting: string; lines: string[]; action: string; url: string; footer: string },
): AccountMail {
  const text = [parts.greeting, '', ...parts.lines.flatMap((l) => [l, '']), `${parts.action}: ${parts.url}`, '', parts.footer, ''].join(
    '\n',
  );
  const p = (s: string) => `<p style="margin:0 0 16px;line-height:1.5">${escapeHtml(s)}</p>`;
  const html = `<!doctype html><html><body style="margin:0;padding:24px;background:#f4f5f7;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1f2937">
<div style="max-width:520px;margin:0 auto;background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:32px">
<p style="margin:0 0 24px;font-weight:600;font-size:18px">Casework</p>
${p(parts.greeting)}${parts.lines.map(p).join('')}
<p style="margin:24px 0"><a href="${escapeHtml(parts.url)}" style="display:inline-block;background:#2563eb;color:#fff;text-decoration:none;padding:10px 18px;border-radius:6px;font-weight:600">${escapeHtml(parts.action)}</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#6b7280;word-break:break-all">${escapeHtml(parts.url)}</p>
<p style="margin:0;font-size:13px;color:#6b7280">${escapeHtml(parts.footer)}</p>
</div></body></html>`;
  return { to, subject, text, html };
}

export function invitationMail(
  invitee: { email: string; name: string },
  inviter: string | null,
  organisation: string,
  url: string,
): AccountMail {
  return compose(invitee.email, `You are invited to ${organisation} on Casework`, {
    greeting: `Hello ${invitee.name},`,
    lines: [
      `${inviter ?? 'An administrator'} invited you to join ${organisation} on Casework. Choose your name and a password to get started.`,
    ],
    action: 'Accept the invitation',
    url,
    footer: 'The link works once and expires in 24 hours. If you did not expect this invitation, ignore this mail.',
  });
}

export function passwordResetMail(user: { email: string; name: string }, url: string): AccountMail {
  return compose(user.email, 'Reset your Casework password', {
    greeting: `Hello ${user.name},`,
    lines: ['Someone asked to reset the password of your Casework account. If it was you, choose a new password with the link below.'],
    action: 'Choose a new password',
    url,
    footer: 'The link works once and expires in 1 hour. If you did not ask for this, ignore this mail: your password stays as it is.',
  });
}
