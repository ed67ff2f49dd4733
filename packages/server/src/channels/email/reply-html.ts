import MarkdownIt from 'markdown-it';
import { sanitiseMailHtml } from './mail-html.ts';

// Raw HTML in what an agent types is shown as text, never passed through; bare URLs become links;
// a single line break is a break (as agents write in a textarea).
const markdown = new MarkdownIt({ html: false, linkify: true, breaks: true });

/**
 * An agent's reply written in Markdown as the HTML it is sent as (SPEC §13): rendered by
 * markdown-it (which refuses javascript: and other unsafe link targets) and then put through the
 * same allow-list as received mail, so nothing leaves that we would not show.
 */
export function replyHtml(body: string): string {
  return sanitiseMailHtml(markdown.render(body), () => null);
}

/**
 * The reply as sent: the plain-text part (the Markdown as written, then the signature after the
 * usual "-- " separator line) and the HTML part (the stored HTML, then the signature rendered the
 * same way in a block mail clients recognise).
 */
export function withSignature(reply: { body: string; html: string | null }, signature: string | undefined) {
  const sig = signature?.trim();
  const html = reply.html ?? replyHtml(reply.body);
  if (!sig) return { text: reply.body, html };
  return {
    text: `${reply.body}\n\n-- \n${sig}`,
    html: `${html}\n<div class="casework-signature" style="margin-top:16px;color:#555">${replyHtml(sig)}</div>`,
  };
}
