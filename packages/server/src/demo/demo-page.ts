const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A sample customer website with the chat widget embedded the way any site would embed it. */
export function demoPage(publicKey: string | null): string {
  const embed = publicKey ? `<script src="/widget.js" data-channel="${esc(publicKey)}" async></script>` : '';
  const notice = publicKey
    ? ''
    : `<p class="notice">No Web Connect channel is configured yet. An administrator can create one
    (<code>POST /api/v1/channels</code> with <code>{"type":"web_connect", …}</code>) and then reload this page, or open
    <code>/demo/chat?key=PUBLIC_KEY</code>.</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Northwind Outdoor Gear — demo shop</title>
<style>
  body{margin:0;font-family:Georgia,serif;background:#f7f3ea;color:#2d2a26}
  header{background:#254d32;color:#f7f3ea;padding:20px 40px}header h1{margin:0;font-size:28px}
  main{max-width:860px;margin:0 auto;padding:32px 40px}
  .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:20px}
  .card{background:#fff;border:1px solid #e2dccd;border-radius:6px;padding:16px}
  button{font-family:inherit}
  .notice{background:#fff3cd;border:1px solid #e0c36a;padding:12px;border-radius:6px}
  footer{color:#6b6558;font-size:13px;padding:24px 40px}
</style></head>
<body>
<header><h1>Northwind Outdoor Gear</h1><p>Tents, packs and boots since 1987 — a sample website for the Casework chat widget.</p></header>
<main>
  ${notice}
  <h2>This week's picks</h2>
  <div class="grid">
    <div class="card"><h3>Ridgeline 2P tent</h3><p>Three-season, 1.9 kg. 349 €</p><button type="button">Add to basket</button></div>
    <div class="card"><h3>Fjell 45 L pack</h3><p>Adjustable back, rain cover included. 159 €</p><button type="button">Add to basket</button></div>
    <div class="card"><h3>Tundra GTX boots</h3><p>Waterproof, resoleable. 229 €</p><button type="button">Add to basket</button></div>
  </div>
  <h2>Questions?</h2>
  <p>Use the <strong>Chat with us</strong> button in the corner: a member of our support team answers live.</p>
  <p>The widget is added with one tag: <code>${esc(embed || '<script src="/widget.js" data-channel="PUBLIC_KEY" async></script>')}</code></p>
</main>
<footer>Demo page served by Casework at /demo/chat. Replies the demo sent by email and SMS: <a href="/demo/outbox">the demo outbox</a>.</footer>
${embed}
</body></html>`;
}
