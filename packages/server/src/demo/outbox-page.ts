import type { OutboxItem } from './demo-outbox.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The demo's outbox: every reply that left through the demo's mail relay or SMS provider, newest first. */
export function outboxPage(items: readonly OutboxItem[], running: boolean): string {
  const rows = items
    .map(
      (m) => `
    <li class="item">
      <div class="meta">
        <span class="kind kind-${m.kind}">${m.kind === 'email' ? 'Email' : 'SMS'}</span>
        <span><span class="label">To</span> ${esc(m.to || '—')}</span>
        <span><span class="label">From</span> ${esc(m.from || '—')}</span>
        <time datetime="${m.at.toISOString()}">${esc(m.at.toISOString().replace('T', ' ').slice(0, 19))} UTC</time>
      </div>
      ${m.subject !== null ? `<h2>${esc(m.subject || '(no subject)')}</h2>` : ''}
      <pre>${esc(m.body)}</pre>
    </li>`,
    )
    .join('');
  const empty = running
    ? '<p class="empty">Nothing sent yet. Reply to an email or SMS case in the agent app: the message appears here, as the customer would receive it.</p>'
    : '<p class="empty">This server is not running the demo, so it keeps no outbox: replies go to the configured mail relay and SMS provider.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="refresh" content="15">
<title>Demo outbox — Casework</title>
<style>
  :root{color-scheme:light}
  body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;background:#f5f6f8;color:#1d2330}
  header{background:#fff;border-bottom:1px solid #e2e5ea;padding:14px 24px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
  header h1{font-size:18px;margin:0;flex:1}
  header a{color:#2459d6;font-weight:600;text-decoration:none}
  main{max-width:860px;margin:0 auto;padding:24px}
  .intro{color:#5e6776;margin:0 0 16px;line-height:1.5}
  ol{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:12px}
  .item{background:#fff;border:1px solid #e2e5ea;border-radius:12px;padding:14px 16px}
  .meta{display:flex;flex-wrap:wrap;gap:6px 16px;align-items:center;font-size:13px;color:#5e6776}
  .label{color:#8a92a0;margin-right:2px}
  .kind{font-size:12px;font-weight:700;border-radius:999px;padding:2px 8px}
  .kind-email{background:#e8effd;color:#1b46ad}.kind-sms{background:#e5f4ec;color:#1d7a4c}
  time{margin-left:auto}
  h2{font-size:15px;margin:10px 0 0}
  pre{white-space:pre-wrap;overflow-wrap:anywhere;font:inherit;margin:8px 0 0;line-height:1.5}
  .empty{background:#fff;border:1px dashed #cdd2da;border-radius:12px;padding:24px;color:#5e6776;text-align:center}
  @media (max-width:560px){time{margin-left:0}main{padding:16px}}
</style></head>
<body>
<header><h1>Demo outbox</h1><a href="/">Agent app</a><a href="/demo/chat">Demo website with chat</a></header>
<main>
  <p class="intro">The demo delivers replies to a mail relay and an SMS provider running inside the demo process on this machine.
  What they received is listed here, newest first (kept in memory: a restart empties it). The page refreshes itself.</p>
  ${items.length ? `<ol>${rows}</ol>` : empty}
</main>
</body></html>`;
}
