/** The widget's styles, scoped by its Shadow DOM so the host page and the widget never restyle each other. */
export const WIDGET_CSS = `
:host{all:initial;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827}
*{box-sizing:border-box;font:inherit}
.launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;border-radius:999px;padding:12px 20px;background:#2563eb;color:#fff;font-weight:600;cursor:pointer;box-shadow:0 6px 20px rgba(0,0,0,.2)}
.panel{position:fixed;right:20px;bottom:76px;z-index:2147483000;width:340px;max-width:calc(100vw - 40px);height:480px;max-height:calc(100vh - 100px);display:flex;flex-direction:column;background:#fff;border-radius:12px;box-shadow:0 10px 40px rgba(0,0,0,.25);overflow:hidden}
.panel[hidden]{display:none}
div.head{display:flex;align-items:center;justify-content:space-between;padding:12px 16px;background:#2563eb;color:#fff}
.x{background:none;border:0;color:#fff;font-size:22px;line-height:1;cursor:pointer}
.body{flex:1;display:flex;flex-direction:column;min-height:0;padding:12px 16px;gap:8px;overflow:auto}
form{display:flex;flex-direction:column;gap:8px}
label{display:flex;flex-direction:column;gap:2px;font-size:12px;color:#374151}
input,textarea{border:1px solid #d1d5db;border-radius:8px;padding:8px;font-size:14px;color:#111827;background:#fff;resize:vertical}
button{cursor:pointer}
.primary{border:0;border-radius:8px;padding:8px 12px;background:#2563eb;color:#fff;font-weight:600}
.primary:disabled{opacity:.5;cursor:default}
.end{border:1px solid #d1d5db;border-radius:8px;padding:6px 10px;background:#fff;color:#374151}
.messages{list-style:none;margin:0;padding:0;flex:1;overflow:auto;display:flex;flex-direction:column;gap:6px;min-height:0}
.messages li{max-width:85%;padding:8px 10px;border-radius:10px;white-space:pre-wrap;word-wrap:break-word}
.messages .customer{align-self:flex-end;background:#2563eb;color:#fff}
.messages .agent{align-self:flex-start;background:#f3f4f6}
.who{display:block;font-size:11px;color:#4b5563}
.messages .customer .who{color:#eff6ff}
.compose{flex-direction:row;align-items:flex-end}.compose textarea{flex:1}
.stars{display:flex;gap:4px}
.star{border:0;background:none;font-size:28px;color:#d1d5db;padding:0 2px}
.star[aria-pressed=true]{color:#f59e0b}
.error{color:#b91c1c;margin:0;min-height:1em}
.greeting,.thanks{margin:0;color:#374151}
`;
